pub fn message(_hr: i32) -> Option<&'static str> { None }
