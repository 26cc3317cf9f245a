-- Accounts that may sign in to the admin portal; passwords as bcrypt hashes (modular crypt format).
CREATE TABLE admin_account (
    username       VARCHAR(100)  PRIMARY KEY,
    password_hash  VARCHAR(200)  NOT NULL,
    role           VARCHAR(50)   NOT NULL,
    created_at     TIMESTAMPTZ   NOT NULL DEFAULT now()
);
