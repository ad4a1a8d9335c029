"""Property-based tests of the engine (hypothesis); see docs/property-testing.md."""
