"""Official documents (văn bản): templates, drafts, issuance with a register number, PDF, signature, verification."""
