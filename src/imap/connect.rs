//! Opening a session: TCP, then TLS (from the start, or after STARTTLS), then the login, each
//! step bounded in time. The protocol itself is `async-imap`'s.

use std::future::Future;
use std::time::Duration;

use rocket::tokio;
use rocket::tokio::io::{AsyncRead, AsyncWrite};
use rocket::tokio::net::TcpStream;

use super::settings::{Account, Security};
use super::ImapError;

/// Time allowed to reach the server and finish TLS and the login.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Time allowed to one ordinary command.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// Any connection async-imap can speak over: plain (loopback only) or TLS.
pub trait Connection: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Connection for T {}

pub type Session = async_imap::Session<Box<dyn Connection>>;

/// Connects and logs in.
pub async fn open(account: &Account) -> Result<Session, ImapError> {
    within(account, CONNECT_TIMEOUT, "la connexion", open_unbounded(account)).await?
}

async fn open_unbounded(account: &Account) -> Result<Session, ImapError> {
    let host = account.host.clone();
    let unreachable = |e: std::io::Error| ImapError::Unreachable { host: host.clone(), reason: e.to_string() };
    let tcp = TcpStream::connect((account.host.as_str(), account.port)).await.map_err(unreachable)?;
    let stream: Box<dyn Connection> = match account.security {
        Security::Tls => Box::new(tls(account, tcp).await?),
        Security::None => Box::new(tcp),
        Security::StartTls => {
            let mut client = async_imap::Client::new(tcp);
            greeting(account, &mut client).await?;
            client.run_command_and_check_ok("STARTTLS", None).await.map_err(|e| ImapError::Tls {
                host: account.host.clone(),
                reason: format!("le serveur n'accepte pas STARTTLS ({})", describe(&e)),
            })?;
            Box::new(tls(account, client.into_inner()).await?)
        }
    };
    let mut client = async_imap::Client::new(stream);
    if account.security != Security::StartTls {
        greeting(account, &mut client).await?;
    }
    client.login(&account.user, account.password()).await.map_err(|(e, _)| match e {
        async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_) => {
            ImapError::Login { host: account.host.clone() }
        }
        other => protocol(account, &other),
    })
}

/// The server's first line, which async-imap leaves to the caller.
async fn greeting<T>(account: &Account, client: &mut async_imap::Client<T>) -> Result<(), ImapError>
where
    T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug,
{
    match client.read_response().await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(ImapError::Protocol {
            host: account.host.clone(),
            reason: "le serveur a fermé la connexion dès l'accueil".into(),
        }),
        Err(e) => Err(ImapError::Protocol { host: account.host.clone(), reason: e.to_string() }),
    }
}

async fn tls<S>(account: &Account, stream: S) -> Result<tokio_native_tls::TlsStream<S>, ImapError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let failed = |reason: String| ImapError::Tls { host: account.host.clone(), reason };
    let connector = native_tls::TlsConnector::new().map_err(|e| failed(e.to_string()))?;
    tokio_native_tls::TlsConnector::from(connector)
        .connect(&account.host, stream)
        .await
        .map_err(|e| failed(e.to_string()))
}

/// Runs one step with a bound on its duration.
pub async fn within<T>(
    account: &Account,
    limit: Duration,
    during: &str,
    step: impl Future<Output = T>,
) -> Result<T, ImapError> {
    tokio::time::timeout(limit, step)
        .await
        .map_err(|_| ImapError::Timeout { host: account.host.clone(), during: during.to_string() })
}

/// An error of the exchange, for the operator.
pub fn protocol(account: &Account, error: &async_imap::error::Error) -> ImapError {
    ImapError::Protocol { host: account.host.clone(), reason: describe(error) }
}

/// The server's answer or the connection problem, in French where we can say it.
pub fn describe(error: &async_imap::error::Error) -> String {
    use async_imap::error::Error;
    match error {
        Error::No(text) => format!("refus du serveur : {}", text.trim()),
        Error::Bad(text) => format!("commande refusée par le serveur : {}", text.trim()),
        Error::ConnectionLost => "connexion perdue".into(),
        Error::Io(e) => format!("erreur de connexion : {e}"),
        other => other.to_string(),
    }
}
