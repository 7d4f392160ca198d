"""The auditor's pages: /audit/, the audit log read only (see backend/audit)."""
