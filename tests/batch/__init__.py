"""Tests of pricing.batch, one module a module."""
