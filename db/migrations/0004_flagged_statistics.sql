-- Without statistics on cardinality(flags) the planner guesses a third of payments are
-- flagged and scans the table for "only flagged"; with them it uses the partial index.
CREATE STATISTICS IF NOT EXISTS transactions_flag_count_stats ON (cardinality(flags)) FROM transactions;
