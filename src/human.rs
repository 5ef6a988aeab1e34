//! Quantities as people say them, for messages and reports alike.

/// `86400` → `1 day`, `5400` → `1 hour 30 minutes`: the two largest units.
pub fn duration(seconds: u32) -> String {
    if seconds == 0 {
        return "0 seconds".into();
    }
    let units = [
        (604_800, "week"),
        (86_400, "day"),
        (3600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    let mut rest = seconds;
    let mut parts = Vec::new();
    for (size, name) in units {
        let n = rest / size;
        if n > 0 && parts.len() < 2 {
            parts.push(if n == 1 {
                format!("1 {name}")
            } else {
                format!("{n} {name}s")
            });
            rest -= n * size;
        }
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::duration(86_400), "1 day");
        assert_eq!(super::duration(5400), "1 hour 30 minutes");
        assert_eq!(super::duration(90_061), "1 day 1 hour");
        assert_eq!(super::duration(45), "45 seconds");
    }
}
