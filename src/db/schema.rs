// One schema for every backend: only types they all share (text codes, dates, timestamps).

diesel::table! {
    motifs (code) {
        code -> Text,
        label -> Text,
        position -> Integer,
        retired -> Bool,
    }
}

diesel::table! {
    partners (code) {
        code -> Text,
        label -> Text,
        position -> Integer,
        retired -> Bool,
    }
}

diesel::table! {
    reference_counters (year) {
        year -> Integer,
        last_sequence -> Integer,
    }
}

diesel::table! {
    saisines (id) {
        id -> Integer,
        reference -> Text,
        received_on -> Date,
        channel -> Text,
        requester_type -> Text,
        requester_name -> Nullable<Text>,
        name_key -> Text,
        nir -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        address -> Nullable<Text>,
        partner -> Nullable<Text>,
        process -> Text,
        summary -> Nullable<Text>,
        status -> Text,
        taken_on -> Nullable<Date>,
        waiting_since -> Nullable<Date>,
        documents_due_on -> Nullable<Date>,
        days_waiting -> Integer,
        outcome -> Nullable<Text>,
        closed_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        assigned_to -> Nullable<Integer>,
        partner_organisation -> Nullable<Text>,
        partner_contact_name -> Nullable<Text>,
        partner_contact_email -> Nullable<Text>,
        partner_contact_phone -> Nullable<Text>,
        consent_given -> Bool,
        take_up_days -> Nullable<Integer>,
        processing_days -> Nullable<Integer>,
        net_processing_days -> Nullable<Integer>,
        email_key -> Nullable<Text>,
        phone_key -> Nullable<Text>,
        anonymised_at -> Nullable<Timestamp>,
        take_up_due_on -> Nullable<Date>,
        handling_due_on -> Nullable<Date>,
        reminder_on -> Nullable<Date>,
        abandonment_on -> Nullable<Date>,
        queue_from -> Nullable<Date>,
        late_from -> Nullable<Date>,
        next_due_on -> Nullable<Date>,
        possible_duplicate -> Bool,
        schedule_version -> Integer,
        to_qualify -> Bool,
        mail_received -> Bool,
        merged_into -> Nullable<Integer>,
    }
}

diesel::table! {
    duplicate_dismissals (saisine_id, other_id) {
        saisine_id -> Integer,
        other_id -> Integer,
        dismissed_by -> Text,
        dismissed_at -> Timestamp,
    }
}

diesel::table! {
    attachments (id) {
        id -> Integer,
        saisine_id -> Integer,
        file_name -> Text,
        content_type -> Text,
        size -> Integer,
        data -> Binary,
        uploaded_at -> Timestamp,
        uploaded_by -> Text,
    }
}

diesel::table! {
    saisine_motifs (saisine_id, motif) {
        saisine_id -> Integer,
        motif -> Text,
    }
}

diesel::table! {
    events (id) {
        id -> Integer,
        saisine_id -> Integer,
        kind -> Text,
        occurred_at -> Timestamp,
        actor -> Text,
        details -> Text,
        actor_id -> Nullable<Integer>,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        email -> Text,
        display_name -> Text,
        role -> Text,
        active -> Bool,
        password_hash -> Text,
        must_change_password -> Bool,
        password_expires_at -> Nullable<Timestamp>,
        failed_attempts -> Integer,
        lock_count -> Integer,
        locked_until -> Nullable<Timestamp>,
        totp_secret -> Nullable<Text>,
        totp_enabled -> Bool,
        totp_last_step -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> Integer,
        user_id -> Integer,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Integer,
        csrf_token -> Text,
        second_factor_done -> Bool,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Integer,
        user_id -> Integer,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    setup_tokens (token_hash) {
        token_hash -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Integer,
        at -> Timestamp,
        actor_id -> Nullable<Integer>,
        actor -> Text,
        action -> Text,
        target -> Text,
        ip -> Text,
        details -> Text,
    }
}

diesel::table! {
    deadline_settings (id) {
        id -> Integer,
        take_up_days -> Integer,
        handling_days -> Integer,
        documents_days -> Integer,
        reminder_days -> Integer,
        grace_days -> Integer,
        working_days -> Bool,
        updated_at -> Nullable<Timestamp>,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    retention_settings (id) {
        id -> Integer,
        closed_months -> Integer,
        audit_months -> Integer,
        updated_at -> Nullable<Timestamp>,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    followups (id) {
        id -> Integer,
        saisine_id -> Integer,
        request_event_id -> Integer,
        kind -> Text,
        done_at -> Timestamp,
    }
}

diesel::table! {
    pending_imports (token_hash) {
        token_hash -> Text,
        file_name -> Text,
        content -> Binary,
        skip_invalid -> Bool,
        created_by -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    external_references (saisine_id) {
        saisine_id -> Integer,
        external_reference -> Text,
    }
}

diesel::table! {
    imported_files (digest) {
        digest -> Text,
        file_name -> Text,
        imported_at -> Timestamp,
    }
}

diesel::table! {
    used_form_tokens (nonce) {
        nonce -> Text,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(external_references -> saisines (saisine_id));
diesel::joinable!(saisine_motifs -> saisines (saisine_id));
diesel::joinable!(followups -> saisines (saisine_id));
diesel::joinable!(saisine_motifs -> motifs (motif));
diesel::joinable!(events -> saisines (saisine_id));
diesel::joinable!(attachments -> saisines (saisine_id));
diesel::joinable!(saisines -> partners (partner));

diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    motifs,
    partners,
    reference_counters,
    saisines,
    saisine_motifs,
    events,
    users,
    recovery_codes,
    sessions,
    api_tokens,
    setup_tokens,
    audit_log,
    attachments,
    deadline_settings,
    retention_settings,
    followups,
    pending_imports,
    external_references,
    imported_files,
    used_form_tokens,
    duplicate_dismissals
);

// Correspondence (templates, letterhead, letters, outbox).

diesel::table! {
    letter_templates (code) {
        code -> Text,
        subject -> Text,
        body -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    letterhead (id) {
        id -> Integer,
        name -> Text,
        address -> Text,
        phone -> Text,
        email -> Text,
        signature -> Text,
        logo -> Nullable<Binary>,
        logo_type -> Nullable<Text>,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    letters (id) {
        id -> Integer,
        saisine_id -> Integer,
        kind -> Text,
        recipient -> Text,
        delivery -> Text,
        address -> Text,
        subject -> Text,
        body -> Text,
        document -> Binary,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> Integer,
        message_id -> Text,
        saisine_id -> Nullable<Integer>,
        letter_id -> Nullable<Integer>,
        purpose -> Text,
        recipient -> Text,
        subject -> Text,
        message -> Binary,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(letters -> saisines (saisine_id));
diesel::joinable!(outbox -> saisines (saisine_id));
diesel::allow_tables_to_appear_in_same_query!(saisines, letters, outbox);

diesel::table! {
    digest_subscriptions (user_id) {
        user_id -> Integer,
        last_sent_on -> Nullable<Date>,
    }
}

diesel::joinable!(digest_subscriptions -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(digest_subscriptions, users);

diesel::table! {
    satisfaction_surveys (id) {
        id -> Integer,
        saisine_id -> Integer,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
        handling -> Nullable<Text>,
        understood -> Nullable<Bool>,
        comment -> Nullable<Text>,
    }
}

diesel::joinable!(satisfaction_surveys -> saisines (saisine_id));
diesel::allow_tables_to_appear_in_same_query!(satisfaction_surveys, saisines);

diesel::table! {
    saved_views (id) {
        id -> Integer,
        owner_id -> Nullable<Integer>,
        shared -> Bool,
        name -> Text,
        name_key -> Text,
        query -> Text,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(saved_views -> users (owner_id));
diesel::allow_tables_to_appear_in_same_query!(saved_views, users);

// The mediation's mailbox.

diesel::table! {
    inbound_messages (id) {
        id -> Integer,
        message_key -> Text,
        mailbox -> Text,
        received_at -> Timestamp,
        outcome -> Text,
        reason -> Nullable<Text>,
        saisine_id -> Nullable<Integer>,
        sender -> Text,
        subject -> Text,
        refused_files -> Text,
        raw -> Binary,
        handled_at -> Nullable<Timestamp>,
        handled_by -> Nullable<Text>,
    }
}

diesel::table! {
    partner_addresses (pattern) {
        pattern -> Text,
        partner -> Text,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::joinable!(inbound_messages -> saisines (saisine_id));
diesel::allow_tables_to_appear_in_same_query!(inbound_messages, saisines);
