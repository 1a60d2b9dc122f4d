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
    }
}

diesel::joinable!(saisine_motifs -> saisines (saisine_id));
diesel::joinable!(saisine_motifs -> motifs (motif));
diesel::joinable!(events -> saisines (saisine_id));
diesel::joinable!(saisines -> partners (partner));

diesel::allow_tables_to_appear_in_same_query!(motifs, partners, reference_counters, saisines, saisine_motifs, events);
