//! Fields of JSON records by dotted path, as `wordmill sentiment` reads them: the same paths as
//! the pipeline's `ingest.text_field`, `id_field` and `meta_fields` reach into JSON Lines.

use serde_json::Value;

/// The value at `path` in `value`: a key, or a dotted path (`body.text`, `items.0.text`) into
/// nested objects and arrays. A key that itself contains dots is found when it exists as
/// written.
pub(crate) fn json_field<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    if let Some(found) = value.get(path) {
        return Some(found);
    }
    let mut current = value;
    for part in path.split('.') {
        current = match current {
            Value::Object(map) => map.get(part)?,
            Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// [`json_field`], mutably.
pub(crate) fn json_field_mut<'v>(value: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    if value.get(path).is_some() {
        return value.get_mut(path);
    }
    let mut current = value;
    for part in path.split('.') {
        current = match current {
            Value::Object(map) => map.get_mut(part)?,
            Value::Array(items) => items.get_mut(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// What a JSON value is, for messages: `null`, `a boolean`, `a number`, `a string`, `an array`,
/// `an object`.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn dotted_paths_reach_objects_and_arrays_and_literal_dotted_keys() {
        let mut v = json!({"body": {"text": "hi", "tags": ["a", "b"]}, "a.b": 1});
        assert_eq!(json_field(&v, "body.text"), Some(&json!("hi")));
        assert_eq!(json_field(&v, "body.tags.1"), Some(&json!("b")));
        assert_eq!(json_field(&v, "a.b"), Some(&json!(1)));
        assert_eq!(json_field(&v, "body.title"), None);
        *json_field_mut(&mut v, "body.tags.0").unwrap() = json!("z");
        assert_eq!(v["body"]["tags"][0], "z");
        assert_eq!(json_kind(&v), "an object");
        assert_eq!(json_kind(&json!(null)), "null");
    }
}
