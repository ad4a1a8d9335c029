"""Tests of pricing._signing, one module per module of the package."""
