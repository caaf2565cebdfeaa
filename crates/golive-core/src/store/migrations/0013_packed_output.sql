-- A run's output rows may be LZ4-compressed (`deploy::chunk::pack`): a fast
-- run's text compresses several times over, and writing a tenth of the bytes
-- is what lets storing keep pace with a program printing a million lines.
-- Rows written before this stay as they were (packed = 0).
ALTER TABLE run_output ADD COLUMN packed INTEGER NOT NULL DEFAULT 0 CHECK (packed IN (0, 1));
