-- Accounts of any kind (IMAP first; Microsoft Graph or Gmail's API beside it): the kind's name and
-- its settings as a JSON object the kind reads, so a new kind needs no new column. A folder's sync
-- position likewise, in the kind's own terms (IMAP: UIDVALIDITY and the last UID copied).
-- Still never a password: only where to find one.
-- New tables, then renamed: dropping the old accounts table first would cascade to synced_folders.
CREATE TABLE accounts_of_any_kind (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    settings TEXT NOT NULL CHECK (json_valid(settings) AND json_type(settings) = 'object'),
    created_at TEXT NOT NULL
);
INSERT INTO accounts_of_any_kind (name, kind, settings, created_at)
SELECT name, 'imap',
       json_object('host', host, 'port', port, 'user', user, 'tls', tls, 'secret', secret,
                   'password_env', password_env, 'oauth_command', oauth_command,
                   'extra_folders', json(extra_folders)),
       created_at
FROM accounts;

CREATE TABLE synced_folders_of_any_kind (
    account TEXT NOT NULL REFERENCES accounts_of_any_kind (name) ON DELETE CASCADE,
    folder TEXT NOT NULL,
    local_dir TEXT NOT NULL,
    position TEXT NOT NULL CHECK (json_valid(position) AND json_type(position) = 'object'),
    synced_at TEXT,
    PRIMARY KEY (account, folder)
);
INSERT INTO synced_folders_of_any_kind (account, folder, local_dir, position, synced_at)
SELECT account, folder, local_dir, json_object('uidvalidity', uidvalidity, 'last_uid', last_uid), synced_at
FROM synced_folders;

DROP TABLE synced_folders;
DROP TABLE accounts;
-- RENAME rewrites the REFERENCES of synced_folders_of_any_kind to follow.
ALTER TABLE accounts_of_any_kind RENAME TO accounts;
ALTER TABLE synced_folders_of_any_kind RENAME TO synced_folders;
