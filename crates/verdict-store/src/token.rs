//! Page tokens: standard base64 of `{"offset": N}`, the token MLflow's SQL store hands out
//! (docs/design/mlflow.md §1.6), so a client never sees a difference. Clients treat it as opaque.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::{Error, Result};

pub(crate) fn encode(offset: u64) -> String {
    STANDARD.encode(format!("{{\"offset\": {offset}}}"))
}

/// Decodes a token; `None` or an empty token is the first page.
pub(crate) fn decode(token: Option<&str>) -> Result<u64> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(0);
    };
    let bad = || {
        Error::invalid(format!(
            "Invalid page token, could not base64-decode: {token:?}"
        ))
    };
    let bytes = STANDARD.decode(token.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let inner = text
        .trim()
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .ok_or_else(bad)?;
    let (k, v) = inner.split_once(':').ok_or_else(bad)?;
    if k.trim() != "\"offset\"" {
        return Err(bad());
    }
    v.trim().parse::<u64>().map_err(|_| bad())
}

/// The token for the page after `offset + returned` rows, or `None` when this page was the last.
/// `has_more` is whether the query saw a row beyond this page.
pub(crate) fn next(offset: u64, returned: usize, has_more: bool) -> Option<String> {
    has_more.then(|| encode(offset + returned as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mlflow_token() {
        // The token MLflow 3.17's server answered for offset 1 (docs/design/mlflow.md §1.6).
        assert_eq!(encode(1), "eyJvZmZzZXQiOiAxfQ==");
        assert_eq!(decode(Some("eyJvZmZzZXQiOiAxfQ==")).ok(), Some(1));
        assert_eq!(decode(None).ok(), Some(0));
        assert_eq!(decode(Some("")).ok(), Some(0));
        assert!(decode(Some("not a token")).is_err());
        assert!(decode(Some(&STANDARD.encode("{\"other\": 3}"))).is_err());
    }
}
