//! The actions the audit log records, with their French labels.

macro_rules! audit_actions {
    ($($variant:ident => $code:literal, $label:literal;)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum AuditAction { $($variant),+ }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $(AuditAction::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $(AuditAction::$variant => $label),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|a| a.code() == code)
            }
        }
    };
}

audit_actions! {
    SignInSucceeded => "connexion_reussie", "Connexion réussie";
    SignInFailed => "connexion_echouee", "Connexion échouée";
    SignOut => "deconnexion", "Déconnexion";
    SecondFactorFailed => "double_facteur_echoue", "Second facteur refusé";
    PersonalDataViewed => "donnees_personnelles_consultees", "Consultation de données personnelles";
    PersonalDataSearched => "recherche_donnees_personnelles", "Recherche par NIR, e-mail ou téléphone";
    SaisineCreated => "saisine_creee", "Saisine créée";
    SaisineEdited => "saisine_modifiee", "Saisine modifiée";
    SaisineStep => "saisine_etape", "Étape de saisine";
    SaisineAssigned => "saisine_attribuee", "Saisine attribuée";
    DuplicateDismissed => "doublon_ecarte", "Doublon possible écarté";
    SaisineImported => "saisine_importee", "Saisine importée";
    FileImported => "import_csv", "Import de fichier CSV";
    PartnerSubmission => "saisine_deposee_partenaire", "Saisine déposée par un partenaire";
    AttachmentAdded => "piece_jointe_ajoutee", "Pièce jointe ajoutée";
    AttachmentDownloaded => "piece_jointe_consultee", "Pièce jointe consultée";
    FirstAdminCreated => "premier_administrateur", "Premier administrateur créé";
    AccountCreated => "compte_cree", "Compte créé";
    AccountChanged => "compte_modifie", "Compte modifié";
    PasswordReset => "mot_de_passe_reinitialise", "Mot de passe réinitialisé";
    PasswordChanged => "mot_de_passe_change", "Mot de passe changé";
    SecondFactorEnabled => "double_facteur_active", "Second facteur activé";
    RecoveryCodeUsed => "code_secours_utilise", "Code de secours utilisé";
    TokenCreated => "jeton_cree", "Jeton d'API créé";
    TokenRevoked => "jeton_revoque", "Jeton d'API révoqué";
    ReferenceListChanged => "referentiel_modifie", "Référentiel modifié";
    DeadlineSettingsChanged => "delais_modifies", "Délais modifiés";
    AutomaticAbandon => "abandon_automatique", "Clôture automatique pour abandon";
    ExportUnmasked => "export_non_masque", "Export CSV non masqué";
    LetterTemplateChanged => "modele_courrier_modifie", "Modèle de courrier modifié";
    LetterheadChanged => "entete_modifiee", "En-tête des courriers modifié";
    LetterWritten => "courrier_ecrit", "Courrier ou courriel écrit";
    OutboxResent => "envoi_relance", "Courriel renvoyé";
    OutboxCancelled => "envoi_annule", "Courriel annulé";
    RetentionSettingsChanged => "conservation_modifiee", "Durées de conservation modifiées";
    SaisineAnonymised => "saisine_anonymisee", "Saisine anonymisée (fin de conservation)";
    SaisineErased => "saisine_effacee", "Saisine anonymisée sur demande (effacement)";
    AuditLogPurged => "journal_purge", "Journal d'audit : enregistrements anciens supprimés";
    PersonalDataExported => "droit_acces", "Document de droit d'accès produit";
    HistoryRectified => "historique_rectifie", "Historique rectifié";
    DuplicateMerged => "doublon_fusionne", "Doublon fusionné";
    SavedViewCreated => "vue_creee", "Vue de liste enregistrée";
    SavedViewChanged => "vue_modifiee", "Vue de liste renommée ou déplacée";
    SavedViewDeleted => "vue_supprimee", "Vue de liste supprimée";
    MailReceived => "courriel_recu", "Courriel reçu dans la boîte de la médiation";
    MailConverted => "courriel_transforme", "Courriel non traité transformé en saisine";
    MailDismissed => "courriel_ecarte", "Courriel non traité écarté";
    MailRawViewed => "courriel_consulte", "Courriel d'origine consulté";
    MailSeen => "courriel_vu", "Courriel reçu marqué comme vu";
    PartnerAddressChanged => "adresse_partenaire_modifiee", "Adresses des partenaires modifiées";
}
