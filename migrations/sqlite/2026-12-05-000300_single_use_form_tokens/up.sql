-- The partner form's tokens already used: a token is accepted once, on any instance. Each
-- nonce is kept until its token would have expired anyway.
CREATE TABLE used_form_tokens (
    nonce TEXT PRIMARY KEY NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX used_form_tokens_expiry ON used_form_tokens (expires_at);
