//! The tests' own IMAP client (async-imap over plain TCP, to the loopback server): places
//! messages with APPEND and looks at what the mailboxes hold.

use async_imap::Session;
use futures::TryStreamExt;
use rocket::tokio::net::TcpStream;

use super::server;

async fn session(user: &str) -> Session<TcpStream> {
    let server = server::shared();
    let port = server.port;
    let stream = TcpStream::connect(("127.0.0.1", port)).await.expect("connexion à dovecot");
    let mut client = async_imap::Client::new(stream);
    client.read_response().await.expect("accueil").expect("accueil");
    client.login(user, server.password_of(user)).await.map_err(|(e, _)| e).expect("connexion de l'utilisateur")
}

fn encoded(mailbox: &str) -> String {
    utf7_imap::encode_utf7_imap(mailbox.to_string())
}

/// Places a message in a user's mailbox (created when missing), as a mail server delivers it.
pub fn append(user: &str, mailbox: &str, raw: &[u8]) {
    super::block_on(async {
        let mut session = session(user).await;
        if mailbox != "INBOX" {
            // Already there from an earlier call: refused, and that is fine.
            let _ = session.create(encoded(mailbox)).await;
        }
        session.append(encoded(mailbox), None, None, raw).await.expect("APPEND");
        session.logout().await.expect("LOGOUT");
    })
}

/// Every message of a mailbox, raw, in UID order; `None` when the mailbox does not exist.
pub fn messages(user: &str, mailbox: &str) -> Option<Vec<Vec<u8>>> {
    super::block_on(async {
        let mut session = session(user).await;
        let selected = session.examine(encoded(mailbox)).await.ok()?;
        let mut raws = Vec::new();
        if selected.exists > 0 {
            let fetches: Vec<_> =
                session.uid_fetch("1:*", "(UID BODY.PEEK[])").await.expect("FETCH").try_collect().await.expect("FETCH");
            let mut bodies: Vec<(u32, Vec<u8>)> =
                fetches.iter().filter_map(|f| Some((f.uid?, f.body()?.to_vec()))).collect();
            bodies.sort();
            raws = bodies.into_iter().map(|(_, raw)| raw).collect();
        }
        session.logout().await.expect("LOGOUT");
        Some(raws)
    })
}

/// A user's folders, by their names in UTF-8 and as the server spells them.
pub fn folders(user: &str) -> Vec<(String, String)> {
    super::block_on(async {
        let mut session = session(user).await;
        let names: Vec<_> = session.list(Some(""), Some("*")).await.expect("LIST").try_collect().await.expect("LIST");
        let folders =
            names.iter().map(|n| (utf7_imap::decode_utf7_imap(n.name().to_string()), n.name().to_string())).collect();
        session.logout().await.expect("LOGOUT");
        folders
    })
}
