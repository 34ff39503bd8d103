"""What the resident reaches without an account: the private link, the 服务单 and the 回访."""
