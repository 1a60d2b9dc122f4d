//! The templates the application ships: letters of a public service, in French, addressed
//! with "vous". Administrators may replace each one; "rétablir" brings these back.

use super::codes::Outcome;
use super::letters::LetterKind;

const CONTACT: &str = "Pour toute question, rappelez la référence {{ reference }} : vous pouvez joindre la \
médiation par téléphone au {{ caisse.telephone }}, par courriel à {{ caisse.courriel }} ou par courrier à \
l'adresse suivante : {{ caisse.adresse }}.";

const POLITENESS: &str = "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.";

const NEXT_STEP: &str = "Cette réponse met fin à la médiation. Lorsque votre demande portait sur une décision \
de la caisse susceptible de recours, les délais de recours, suspendus pendant la médiation, reprennent leur \
cours à compter de la réception de ce courrier : les voies et délais de recours sont indiqués dans la \
notification de la décision.\n\nSi vous estimez que vos droits n'ont pas été respectés, vous pouvez saisir \
le Défenseur des droits, autorité indépendante : www.defenseurdesdroits.fr ou 09 69 39 00 00 (appel non \
surtaxé).";

/// The shipped subject and body of a template.
pub fn default_text(kind: LetterKind) -> (String, String) {
    match kind {
        LetterKind::TakeUp => (
            "Prise en charge de votre demande de médiation".into(),
            format!(
                "Madame, Monsieur,\n\n\
Vous avez saisi la médiation de {{{{ caisse.nom }}}} le {{{{ date_reception }}}}. Votre demande, enregistrée \
sous la référence {{{{ reference }}}}, est prise en charge par le médiateur depuis le \
{{{{ date_prise_en_charge }}}}.\n\n\
Le médiateur va examiner votre situation avec les services de la caisse. Il pourra vous contacter pour \
obtenir des précisions ou des pièces complémentaires.\n\n\
Lorsque votre demande porte sur une décision de la caisse susceptible de recours, la saisine du médiateur \
suspend les délais de recours contre cette décision à compter de la date de prise en charge indiquée \
ci-dessus, jusqu'à ce que le médiateur vous fasse connaître sa réponse (article L. 217-7-1 du code de la \
sécurité sociale). Cette suspension ne s'applique pas aux délais déjà expirés.\n\n\
{CONTACT}\n\n{POLITENESS}"
            ),
        ),
        LetterKind::DocumentsRequest => (
            "Pièces à fournir pour votre demande de médiation".into(),
            format!(
                "Madame, Monsieur,\n\n\
Pour poursuivre l'examen de votre demande de médiation (référence {{{{ reference }}}}), le médiateur a \
besoin des pièces suivantes :\n\n{{{{ pieces_demandees }}}}\n\n\
Nous vous remercions de les transmettre avant le {{{{ date_limite }}}}, par courriel ou par courrier, en \
rappelant la référence de votre demande.\n\n\
Sans réponse de votre part après cette date, votre demande pourra être close. Vous pourrez toujours saisir \
de nouveau la médiation.\n\n{CONTACT}\n\n{POLITENESS}"
            ),
        ),
        LetterKind::Reminder => (
            "Relance : pièces à fournir pour votre demande de médiation".into(),
            format!(
                "Madame, Monsieur,\n\n\
Le {{{{ date_demande }}}}, le médiateur vous a demandé les pièces suivantes pour examiner votre demande \
(référence {{{{ reference }}}}) :\n\n{{{{ pieces_demandees }}}}\n\n\
À ce jour, nous ne les avons pas reçues. Nous vous remercions de les transmettre avant le \
{{{{ date_limite }}}}. Sans réponse de votre part, votre demande sera close pour abandon ; vous pourrez \
saisir de nouveau la médiation à tout moment.\n\n\
Si vous avez déjà envoyé ces pièces, merci de ne pas tenir compte de ce courrier.\n\n{CONTACT}\n\n{POLITENESS}"
            ),
        ),
        LetterKind::Answer(outcome) => answer(outcome),
        LetterKind::PartnerAcknowledgement => (
            "Saisine reçue par la médiation".into(),
            "Bonjour {{ partenaire.contact }},\n\n\
La médiation de {{ caisse.nom }} a bien reçu, le {{ date_reception }}, la saisine que vous avez transmise \
pour le compte de {{ personne.nom }}. Elle est enregistrée sous la référence {{ reference }} : merci de la \
rappeler dans tout échange.\n\n\
L'accusé de réception est disponible pendant sept jours à l'adresse suivante :\n{{ lien_accuse }}\n\n\
Un médiateur examine la saisine ; la personne recevra un accusé de prise en charge.\n\n\
Vous pouvez joindre la médiation par téléphone au {{ caisse.telephone }} ou par courriel à \
{{ caisse.courriel }}.\n\nCordialement,"
                .into(),
        ),
    }
}

fn answer(outcome: Outcome) -> (String, String) {
    let (subject, opening) = match outcome {
        Outcome::PaiementRecu => (
            "Réponse à votre demande de médiation",
            "À la suite de l'intervention du médiateur, la caisse a réexaminé votre situation et procédé au \
paiement ou vous a accordé le droit demandé :\n\n{{ synthese }}",
        ),
        Outcome::Explications => (
            "Réponse à votre demande de médiation",
            "Le médiateur a examiné votre situation avec les services de la caisse. Voici les explications \
qu'il est en mesure de vous apporter :\n\n{{ synthese }}",
        ),
        Outcome::AccordAmiable => (
            "Réponse à votre demande de médiation",
            "Le médiateur a recherché avec vous et avec les services de la caisse une solution à votre \
difficulté. La solution suivante a été retenue d'un commun accord :\n\n{{ synthese }}",
        ),
        Outcome::DecisionRevisee => (
            "Réponse à votre demande de médiation",
            "À la suite de l'intervention du médiateur, la caisse a réexaminé votre dossier et révisé sa \
décision en votre faveur :\n\n{{ synthese }}",
        ),
        Outcome::DecisionMaintenue => (
            "Réponse à votre demande de médiation",
            "Le médiateur a examiné votre situation avec attention, avec les services de la caisse. Après \
cet examen, la caisse maintient sa décision, pour les raisons suivantes :\n\n{{ synthese }}\n\n\
Nous mesurons que cette réponse ne correspond pas à vos attentes. Si vous souhaitez contester la décision, \
vous pouvez exercer les recours indiqués dans sa notification (commission de recours amiable, puis \
tribunal judiciaire).",
        ),
        Outcome::Orientation => (
            "Votre demande de médiation",
            "Votre demande, reçue le {{ date_reception }}, ne relève pas de la médiation de la caisse. Pour \
qu'elle puisse être traitée, nous vous invitons à vous adresser à l'interlocuteur suivant, auquel elle a \
pu être transmise :\n\n{{ synthese }}",
        ),
        Outcome::Abandon => (
            "Clôture de votre demande de médiation",
            "Sans réponse de votre part à la demande de pièces du {{ date_demande }}, le médiateur n'a pas pu \
poursuivre l'examen de votre demande, qui est close à la date du {{ date_cloture }}.\n\n\
Vous pouvez à tout moment saisir de nouveau la médiation, en joignant les pièces demandées.",
        ),
    };
    let body = format!(
        "Madame, Monsieur,\n\nVous avez saisi la médiation le {{{{ date_reception }}}} (référence \
{{{{ reference }}}}).\n\n{opening}\n\n{NEXT_STEP}\n\n{CONTACT}\n\n{POLITENESS}"
    );
    (subject.to_string(), body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::letters::TemplateText;

    #[test]
    fn every_default_template_passes_its_own_checks() {
        for kind in LetterKind::all() {
            let (subject, body) = default_text(kind);
            assert!(TemplateText::check(&subject, &body).is_ok(), "{}", kind.code());
            assert!(body.contains("{{ reference }}"), "{}", kind.code());
        }
        let (_, closing) = default_text(LetterKind::Answer(Outcome::DecisionMaintenue));
        assert!(closing.contains("Défenseur des droits") && closing.contains("reprennent leur"));
        let (_, take_up) = default_text(LetterKind::TakeUp);
        assert!(take_up.contains("suspend les délais de recours"));
    }
}
