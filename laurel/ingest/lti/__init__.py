"""An LTI 1.3 tool: launches, deep linking, roster sync and grade write-back."""
