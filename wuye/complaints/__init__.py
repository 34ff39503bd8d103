"""业主投诉: intake by any employee, the board, the record (顾客投诉处理记录表) and its steps."""
