//! The canonical codes of domain.md: stored in the database, used by the API and CSV files.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::text::normalize_key;

/// An unknown code: the caller turns it into a message about its own field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("code inconnu : « {0} »")]
pub struct UnknownCode(pub String);

/// Matches a code or its label, without regard to case or accents.
/// A label's explanation in brackets may be left out ("Compte ameli").
fn matches_code_or_label(input: &str, code: &str, label: &str) -> bool {
    let wanted = normalize_key(input);
    let short_label = label.split(" (").next().unwrap_or(label);
    wanted == normalize_key(code) || wanted == normalize_key(label) || wanted == normalize_key(short_label)
}

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order of domain.md.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                // The stored code itself, as every database row holds it: no folding needed.
                if let Some(exact) = Self::ALL.iter().copied().find(|v| v.code() == s) {
                    return Ok(exact);
                }
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| matches_code_or_label(s, v.code(), v.label()))
                    .ok_or_else(|| UnknownCode(s.to_string()))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

code_enum!(
    /// How the saisine reached the mediation.
    Channel {
        Courriel => "courriel", "Courriel";
        CompteAmeli => "compte_ameli", "Compte ameli (messagerie de l'espace assuré)";
        Telephone => "telephone", "Téléphone";
        Courrier => "courrier", "Courrier postal";
        Accueil => "accueil", "Accueil physique";
        BoiteGenerique => "boite_generique", "Boîte générique (partenaires)";
    }
);

code_enum!(
    /// Who asks for mediation.
    RequesterType {
        Assure => "assure", "Assuré";
        Employeur => "employeur", "Employeur";
        ProfessionnelSante => "professionnel_sante", "Professionnel de santé";
        Autre => "autre", "Autre";
    }
);

code_enum!(
    /// The business area a saisine is about.
    Process {
        RevenusRemplacement => "revenus_remplacement", "Revenus de remplacement (indemnités journalières, invalidité)";
        FraisSante => "frais_sante", "Remboursement des frais de santé";
        Css => "css", "Complémentaire santé solidaire";
        Droits => "droits", "Droits, affiliation, attestations";
        CarteVitale => "carte_vitale", "Carte Vitale";
        AtMp => "at_mp", "Accidents du travail, maladies professionnelles";
        Autre => "autre", "Autre";
    }
);

code_enum!(
    /// Where a saisine stands.
    Status {
        Recue => "recue", "Reçue";
        EnCours => "en_cours", "En cours d'instruction";
        AttentePieces => "attente_pieces", "En attente de pièces complémentaires";
        Cloturee => "cloturee", "Clôturée";
    }
);

code_enum!(
    /// How a closed saisine ended.
    Outcome {
        PaiementRecu => "paiement_recu", "Paiement reçu, droit accordé";
        Explications => "explications", "Résolution par explications données";
        AccordAmiable => "accord_amiable", "Accord amiable, solution trouvée";
        DecisionRevisee => "decision_revisee", "Décision révisée";
        Abandon => "abandon", "Abandon";
        DecisionMaintenue => "decision_maintenue", "Décision maintenue avec désaccord persistant";
        Orientation => "orientation", "Orientation vers d'autres partenaires ou services";
    }
);

impl Outcome {
    /// Counts in the resolution rate of the annual report.
    pub fn is_resolved(self) -> bool {
        matches!(
            self,
            Outcome::PaiementRecu | Outcome::Explications | Outcome::AccordAmiable | Outcome::DecisionRevisee
        )
    }
}

impl Status {
    pub fn is_open(self) -> bool {
        self != Status::Cloturee
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_labels_match_without_case_or_accents() {
        for c in Channel::ALL {
            assert_eq!(c.code().parse::<Channel>().unwrap(), *c);
        }
        assert_eq!("TÉLÉPHONE".parse::<Channel>().unwrap(), Channel::Telephone);
        assert_eq!("telephone".parse::<Channel>().unwrap(), Channel::Telephone);
        assert_eq!("Compte ameli".parse::<Channel>().unwrap(), Channel::CompteAmeli);
        assert_eq!("cloturée".parse::<Status>().unwrap(), Status::Cloturee);
        assert!("fax".parse::<Channel>().is_err());
    }

    #[test]
    fn four_outcomes_count_as_resolved() {
        let resolved: Vec<_> = Outcome::ALL.iter().filter(|o| o.is_resolved()).collect();
        assert_eq!(resolved.len(), 4);
        assert!(!Outcome::Abandon.is_resolved());
        assert!(!Outcome::Orientation.is_resolved());
    }

    #[test]
    fn serde_uses_codes() {
        assert_eq!(serde_json::to_string(&Process::AtMp).unwrap(), "\"at_mp\"");
        let o: Outcome = serde_json::from_str("\"abandon\"").unwrap();
        assert_eq!(o, Outcome::Abandon);
    }
}
