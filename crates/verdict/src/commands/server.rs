//! `verdict server`: flags → [`verdict_server::ServerConfig`] → [`verdict_server::serve`], which
//! prints the URL and runs until SIGTERM or Ctrl-C.

use anyhow::Context as _;

use crate::cli::ServerArgs;

pub(crate) fn run(args: &ServerArgs) -> anyhow::Result<String> {
    const MB: u64 = 1024 * 1024;
    let config = verdict_server::ServerConfig {
        store_url: args.store.clone(),
        artifacts: args.artifacts.clone(),
        host: args.host.clone(),
        port: args.port,
        auth_token: args.auth_token.clone().filter(|t| !t.is_empty()),
        max_json_bytes: args.max_body_mb.max(1).saturating_mul(MB),
        max_artifact_bytes: args.max_artifact_mb.max(1).saturating_mul(MB),
    };
    verdict_server::serve(&config).context("verdict server")?;
    Ok(String::new())
}
