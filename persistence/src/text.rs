//! Text matching that both backends do alike.

/// A `LIKE` pattern (escape character `\`) matching text that contains `needle`.
pub fn contains(needle: &str) -> String {
    format!("%{}%", escape(needle))
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Patterns matching `code` as the first, last or a middle item of a
/// comma-separated list (the only item is an equality).
pub fn list_item(code: &str) -> [String; 3] {
    let code = escape(code);
    [
        format!("{code},%"),
        format!("%,{code}"),
        format!("%,{code},%"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_are_escaped() {
        assert_eq!(contains("50%_a\\b"), "%50\\%\\_a\\\\b%");
        assert_eq!(list_item("dust")[2], "%,dust,%");
    }
}
