//! Saved views and keyboard shortcuts in Chromium: a filtered list saved as a view, found in
//! the navigation with its count and opened again; `/` to the quick search, `n` to a new
//! saisine, never while typing in a field; the help page and the list's save form checked.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::Locator;

use super::{run, Server, Session};

impl Session<'_> {
    /// Presses one key on its own, as a person would, wherever the focus is.
    async fn press(&self, key: char) {
        let keys =
            KeyActions::new("clavier".into()).then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
        self.client.perform_actions(keys).await.unwrap_or_else(|e| panic!("key {key}: {e}"));
    }

    async fn focused_id(&self) -> String {
        let id = self.client.execute("return document.activeElement.id;", vec![]).await.expect("the focus");
        id.as_str().unwrap_or_default().to_string()
    }

    /// Waits for the address to become `path` (a navigation a script started).
    async fn wait_for_path(&self, path: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while self.path().await != path {
            assert!(std::time::Instant::now() < deadline, "still on {} instead of {path}", self.path().await);
            rocket::tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
    }

    /// The navigation's link to a saved view: its text (name and count).
    async fn view_link(&self, name: &str) -> fantoccini::elements::Element {
        let links = self.client.find_all(Locator::Css("nav.views-nav a")).await.expect("the views' links");
        for link in links {
            if link.text().await.expect("a link's text").starts_with(name) {
                return link;
            }
        }
        panic!("« {name} » is not in the navigation: {}", self.text().await)
    }
}

#[test]
fn a_mediator_saves_a_filtered_list_as_a_view_and_opens_it_from_the_navigation() {
    let server = Server::start();
    server.add_user("mediatrice@cpam.test", "mediateur");
    run(async {
        let page = Session::open(&server).await;
        page.sign_in("mediatrice@cpam.test").await;
        page.visit("/saisines/nouvelle").await;
        page.client.find(Locator::Css("#channel")).await.expect("channel").select_by_value("telephone").await.unwrap();
        page.client.find(Locator::Css("#requester_type")).await.expect("type").select_by_value("assure").await.unwrap();
        page.fill("#requester_name", "Noé Ærøskøbing").await;
        page.client.find(Locator::Css("#process")).await.expect("process").select_by_value("css").await.unwrap();
        page.click("#motif-paiement_non_recu").await;
        page.fill("#summary", "Complémentaire santé refusée sans explication.").await;
        page.submit("form[action='/saisines'] button[type=submit]").await;

        page.visit("/saisines").await;
        page.click("details.more-filters summary").await;
        page.client
            .find(Locator::Css("#channel"))
            .await
            .expect("the channel filter")
            .select_by_value("telephone")
            .await
            .unwrap();
        page.submit("form.filter-bar button[type=submit]").await;
        assert!(page.path().await.contains("channel=telephone"), "{}", page.path().await);
        page.click("details.save-view summary").await;
        page.check("liste-enregistrer-vue").await;
        page.fill("#vue-nom", "Appels téléphoniques").await;
        page.submit("form[action='/vues'] button[type=submit]").await;
        let kept = page.path().await;
        assert!(kept.starts_with("/saisines?") && kept.contains("channel=telephone"), "back on the list: {kept}");
        let link = page.view_link("Appels téléphoniques").await;
        let count = link.find(Locator::Css(".nav-count")).await.expect("a count").text().await.unwrap();
        assert_eq!(count, "1", "the view's count");
        assert_eq!(link.attr("aria-current").await.unwrap().as_deref(), Some("page"), "the list shown is the view's");

        page.visit("/vues").await;
        page.check("vues").await;
        page.view_link("Appels téléphoniques").await.click().await.expect("the view opens");
        page.wait_for_path(&kept).await;
        assert!(page.text().await.contains("Noé Ærøskøbing"), "the view's list");

        // `/` goes to the quick search; a letter typed in a field stays in the field.
        page.visit("/aide").await;
        page.check("aide").await;
        page.press('/').await;
        assert_eq!(page.focused_id().await, "recherche-rapide", "`/` focuses the quick search");
        page.press('n').await;
        page.press('/').await;
        assert_eq!(page.path().await, "/aide", "keys typed in the search field are text");
        let typed = page.client.find(Locator::Css("#recherche-rapide")).await.unwrap().prop("value").await.unwrap();
        assert_eq!(typed.as_deref(), Some("n/"));
        page.client.execute("document.activeElement.blur();", vec![]).await.expect("focus left");
        page.press('n').await;
        page.wait_for_path("/saisines/nouvelle").await;
        page.close().await;
    });
}
