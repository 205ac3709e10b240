COPY match_scored (xero_id, quickbooks_id, weight, vetoed, rule, x_label, q_label, evidence) FROM STDIN;
