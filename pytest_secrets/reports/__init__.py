"""Where findings go besides the terminal: report files (JSON, SARIF), CI annotations, the allowlist."""
