-- +goose Up
-- Which record of an outside source (a row of an imported file) became which case, so that
-- importing the same file again skips what is already in. 00006 is reserved for another change.
CREATE TABLE import_sources (
    source      TEXT NOT NULL,
    row_key     TEXT NOT NULL,
    case_id     BIGINT NOT NULL REFERENCES cases (id),
    imported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, row_key)
);
CREATE INDEX import_sources_case ON import_sources (case_id);

-- +goose Down
DROP TABLE import_sources;
