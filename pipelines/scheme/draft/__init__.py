"""`ecoscore scheme draft`: a scheme YAML drafted from the government's own table
(目标任务分解表 / 考核评分细则, .docx / .xlsx / .txt), every clause it could not read flagged
`needs_review` with a reason. Deterministic and offline: a grammar of clause patterns."""
