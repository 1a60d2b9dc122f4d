DROP TABLE satisfaction_surveys;
DROP TABLE digest_subscriptions;
DROP TABLE outbox;
DROP TABLE letters;
DROP TABLE letterhead;
DROP TABLE letter_templates;
