"""Processes: BPMN deployment, the parsed-spec cache, forms, lint, version diff, case migration, drafts."""
