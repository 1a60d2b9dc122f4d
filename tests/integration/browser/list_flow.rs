//! The dense list in Chromium: one line per saisine at 1280 px, cards on a phone, the filters
//! folded and their chips, and a bulk assignment clicked through, its refusal too; every state
//! checked with axe-core and photographed.

use fantoccini::Locator;

use super::{run, Server, Session};

impl Session<'_> {
    async fn pick(&self, css: &str, value: &str) {
        let select = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
        select.select_by_value(value).await.unwrap_or_else(|e| panic!("{css} ← {value}: {e}"));
    }

    /// Records a saisine through the form, as a mediator would.
    async fn record(&self, name: &str) {
        self.visit("/saisines/nouvelle").await;
        self.pick("#channel", "courriel").await;
        self.pick("#requester_type", "assure").await;
        self.fill("#requester_name", name).await;
        self.pick("#process", "frais_sante").await;
        self.click("#motif-paiement_non_recu").await;
        self.fill("#summary", "Remboursement attendu depuis deux mois.").await;
        self.submit("form[action='/saisines'] button[type=submit]").await;
        assert!(self.path().await.starts_with("/saisines/20"), "recorded: {}", self.text().await);
    }

    /// The value of the first option of `select` whose text contains `text`.
    async fn option_value(&self, select: &str, text: &str) -> String {
        let script = "const o = [...document.querySelectorAll(arguments[0] + ' option')].find(o => o.textContent.includes(arguments[1])); return o ? o.value : null;";
        let value = self.client.execute(script, vec![select.into(), text.into()]).await.expect("the options");
        value.as_str().unwrap_or_else(|| panic!("no option « {text} » in {select}")).to_string()
    }

    /// Every row of the list is one line high at desktop width.
    async fn rows_are_one_line(&self) {
        let script =
            "return [...document.querySelectorAll('table.dense tbody tr')].map(r => r.getBoundingClientRect().height);";
        let heights = self.client.execute(script, vec![]).await.expect("row heights");
        let heights: Vec<f64> = heights.as_array().expect("a list").iter().filter_map(|h| h.as_f64()).collect();
        assert!(!heights.is_empty(), "rows in the list");
        assert!(heights.iter().all(|h| *h < 40.0), "one line per row at 1280 px: {heights:?}");
    }
}

#[test]
fn a_mediator_assigns_two_checked_saisines_at_once() {
    let server = Server::start();
    server.add_user("mediatrice@cpam.test", "mediateur");
    server.add_user("collegue@cpam.test", "mediateur");
    run(async {
        let page = Session::open(&server).await;
        page.sign_in("mediatrice@cpam.test").await;
        for name in ["Adèle Würtz-Ngô", "Jean-Noël Dupré", "Inès Lefèvre-Montgolfier de la Tour d'Auvergne"] {
            page.record(name).await;
        }
        page.visit("/saisines").await;
        page.rows_are_one_line().await;
        page.check("liste-dense").await;
        page.click(".more-filters summary").await;
        page.check("liste-filtres-ouverts").await;
        page.visit("/saisines?status=recue&channel=courriel&sort=echeance_asc").await;
        page.client.find(Locator::Css("a.chip")).await.expect("the active filters as chips");
        page.check("liste-filtres-actifs").await;

        let references: Vec<String> = {
            let script = "return [...document.querySelectorAll('input[name=ids]')].map(c => c.value);";
            let found = page.client.execute(script, vec![]).await.expect("the rows");
            found.as_array().expect("a list").iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
        };
        assert_eq!(references.len(), 3);
        page.click(&format!("#cocher-{}", references[0])).await;
        page.click(&format!("#cocher-{}", references[1])).await;
        let colleague = page.option_value("#bulk-assignee", "collegue").await;
        page.pick("#bulk-assignee", &colleague).await;
        page.submit("button[name=action][value=attribuer]").await;
        let text = page.text().await;
        assert!(text.contains("2 saisines attribuées à"), "{text}");
        assert!(page.path().await.starts_with("/saisines?status=recue"), "back to the same list");
        let assigned = page
            .client
            .execute("return [...document.querySelectorAll('td[data-label=\"Attribuée à\"]')].map(c => c.textContent.trim());", vec![])
            .await
            .expect("the assignees");
        let assigned: Vec<&str> = assigned.as_array().expect("a list").iter().filter_map(|v| v.as_str()).collect();
        assert_eq!(assigned.iter().filter(|a| a.contains("collegue")).count(), 2, "{assigned:?}");
        page.check("liste-attribution-groupee").await;

        // One of them taken up, then both asked again: nothing applied, the refused one named.
        page.click(&format!("#cocher-{}", references[0])).await;
        page.submit("button[name=action][value=prendre_en_charge]").await;
        assert!(page.text().await.contains("1 saisine prise en charge"), "{}", page.text().await);
        page.visit("/saisines").await;
        page.click(&format!("#cocher-{}", references[0])).await;
        page.click(&format!("#cocher-{}", references[2])).await;
        page.submit("button[name=action][value=prendre_en_charge]").await;
        let text = page.text().await;
        assert!(text.contains("Rien n'a été appliqué") && text.contains(&references[0]), "{text}");
        page.check("liste-refus-groupe").await;
        page.close().await;
    });
}
