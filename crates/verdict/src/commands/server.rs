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
        // The rules engine's hook is wired by the application (issue 15).
        // The ledger runs the rules attached to an experiment on every metric write.
        rules_hook: Some(std::sync::Arc::new(verdict_app::rules::LiveRules::default())),
    };
    match verdict_server::serve(&config) {
        Ok(()) => Ok(String::new()),
        Err(verdict_server::ServerError::Bind { addr, error })
            if error.kind() == std::io::ErrorKind::AddrInUse =>
        {
            let port = addr.rsplit_once(':').map_or(addr.as_str(), |(_, p)| p);
            Err(anyhow::anyhow!(
                "verdict server: cannot listen on {addr}: port {port} is already in use by another \
                 program (another verdict or mlflow server?); choose another with --port N, or \
                 --port 0 to let the system pick a free one (the URL is printed)"
            ))
        }
        Err(e) => Err(e).context("verdict server"),
    }
}
