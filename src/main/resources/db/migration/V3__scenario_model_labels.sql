-- Labels that came with an uploaded model archive (synset.txt / labels.txt), one per line; NULL for a bare ONNX file.
ALTER TABLE scenario_model ADD COLUMN labels TEXT;
