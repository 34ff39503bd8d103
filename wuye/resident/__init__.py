"""The resident's private page at /s/<token>: no login, masked data, the 服务单."""
