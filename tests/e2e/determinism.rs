//! 1, 2 and 8 threads write byte-identical reports (the manifest's timings aside).

use crate::common::*;

#[test]
fn thread_count_does_not_change_a_single_byte() {
    for pipeline in ["pipelines/sotu-terms.toml", "pipelines/default.toml"] {
        let mut runs = Vec::new();
        for threads in ["1", "2", "8"] {
            let out = scratch("threads");
            let res = wordmill(&[
                "run",
                pipeline,
                "--out",
                out.to_str().unwrap(),
                "--threads",
                threads,
                "--quiet",
            ]);
            assert_exit(&res, 0);
            runs.push(out);
        }
        let files: Vec<String> = {
            let mut v: Vec<String> = std::fs::read_dir(&runs[0])
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .filter(|n| n != "run.json")
                .collect();
            v.sort();
            v
        };
        assert!(files.contains(&"report.json".to_string()), "{files:?}");
        for other in &runs[1..] {
            for f in &files {
                let a = std::fs::read(runs[0].join(f)).unwrap();
                let b = std::fs::read(other.join(f)).unwrap();
                assert!(
                    a == b,
                    "{pipeline}: {f} differs between 1 thread and {}",
                    other.display()
                );
            }
        }
        let m = json(&runs[2].join("run.json"));
        assert_eq!(m["threads"], 8);
    }
}
