"""Domain of the mentoring app: entities, rules and errors, free of I/O."""
