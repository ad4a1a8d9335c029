"""Tests of the pricing command line, one module a module."""
