-- The version of the upload check (dev.aifunc.model.UploadedModels.CHECK_VERSION) a stored model passed: models stored
-- before the check existed (0) are inspected and tried in a separate process before a replica loads them.
ALTER TABLE scenario_model ADD COLUMN checked_by INTEGER NOT NULL DEFAULT 0;
