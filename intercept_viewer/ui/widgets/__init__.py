"""Pieces every feature shares: safe text, colours, item roles, a row model, prompts."""
