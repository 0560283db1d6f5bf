-- Mail accounts tystnad reads over IMAP. Never a password: only where to find one
-- (an environment variable's name, the OS keyring, a prompt) or the command that prints a token.
CREATE TABLE accounts (
    name TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    user TEXT NOT NULL,
    tls TEXT NOT NULL CHECK (tls IN ('ssl', 'starttls', 'none')),
    secret TEXT NOT NULL CHECK (secret IN ('env', 'keyring', 'prompt', 'oauth_command')),
    password_env TEXT,
    oauth_command TEXT,
    extra_folders TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
);

-- How far each synced folder has been copied: a UID is recorded only after its file is on disk,
-- so a sync that stops anywhere resumes from here without loss or duplicates.
CREATE TABLE synced_folders (
    account TEXT NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    folder TEXT NOT NULL,
    local_dir TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    last_uid INTEGER NOT NULL DEFAULT 0,
    synced_at TEXT,
    PRIMARY KEY (account, folder)
);
