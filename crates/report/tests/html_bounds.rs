//! `report.html` stays small for a large corpus and says what it left out.

#[path = "html_support.rs"]
mod support;

use wordmill_report::render_html;

#[test]
fn ten_thousand_documents_and_200000_sentences_stay_under_2_mb() {
    let words = [
        "good", "bad", "strike", "happy", "terrible", "workers", "calm", "police", "great", "awful",
    ];
    let docs: Vec<_> = (0..10_000u64)
        .map(|i| {
            let text: Vec<String> = (0..20u64)
                .map(|j| {
                    let k = (i * 7 + j * 3) as usize;
                    format!(
                        "The {} {} day {i}.",
                        words[k % words.len()],
                        words[(k / 3) % words.len()]
                    )
                })
                .collect();
            let year = (1900 + i % 400).to_string();
            let party = ["d", "r", "i"][(i % 3) as usize];
            support::doc(
                i,
                &format!("doc-{i:05}"),
                &text.join(" "),
                &[("year", year.as_str()), ("party", party)],
            )
        })
        .collect();
    let run = support::run("big", "feed", &docs, &["year", "party"]);
    assert_eq!(run.sentiment.sentences.len(), 200_000);
    let html = render_html(&run.report, &run.documents);
    assert!(html.len() < 2_000_000, "{} bytes", html.len());
    assert!(html.contains("class=\"truncated\""));
    assert!(html.contains("Sentiment arcs are drawn for 12 of 10,000 documents."));
    assert!(html.contains("The document table lists the first 25 of 10,000 documents"));
    assert!(html.contains("The group chart shows the first 150 of"));
    assert!(html.contains("Distinctive terms are shown for 12 of"));
}

#[test]
fn a_long_document_arc_is_averaged_into_buckets() {
    let text: Vec<&str> = (0..5_000)
        .map(|i| {
            if i < 2_500 {
                "A lovely happy day."
            } else {
                "A terrible awful day."
            }
        })
        .collect();
    let docs = vec![support::doc(0, "long", &text.join(" "), &[])];
    let run = support::run("long", "feed", &docs, &[]);
    let html = render_html(&run.report, &run.documents);
    assert!(html.contains("averaged into 400 points"));
    assert!(
        html.contains("In 1 sentiment arc, consecutive sentences are averaged into 400 points.")
    );
    // 5,000 sentences in 400 points of 12.5 each; the window is 41 points (a tenth, odd).
    assert!(html.contains("moving average over about 513 sentences"));
    assert!(html.len() < 200_000, "{} bytes", html.len());
}
