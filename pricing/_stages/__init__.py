"""The per-cart stages of a preview, in pipeline order (docs/architecture.md)."""
