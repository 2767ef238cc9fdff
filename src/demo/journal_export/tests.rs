use super::*;

fn all(opts: Options) -> Vec<Entry> {
    Generator::new(opts).collect()
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let opts = Options { entries: 500, ..Options::default() };
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    write_stream(&opts, &mut a, None).unwrap();
    write_stream(&opts, &mut b, None).unwrap();
    write_stream(&Options { seed: 2, ..opts }, &mut c, None).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn the_mix_a_reader_must_handle() {
    let v = all(Options::default());
    assert_eq!(v.len(), 10_000);
    let values = |name: &str| v.iter().filter_map(move |e| e.field(name)).collect::<Vec<_>>();
    let boots: std::collections::BTreeSet<_> = v.iter().map(|e| e.boot_id).collect();
    assert_eq!(boots.len(), 3);
    assert!(v.windows(2).all(|w| w[0].realtime_usec < w[1].realtime_usec), "time goes forward");
    let messages = values("MESSAGE");
    assert!(messages.iter().filter(|m| m.len() > 512).count() > 50, "long messages");
    assert!(messages.iter().any(|m| m.contains(&b'\n')), "multi-line messages");
    assert!(messages.iter().any(|m| m.starts_with(b"\x1b[31m")), "escape sequences");
    assert!(messages.iter().any(|m| m.starts_with(b"E0101 ")), "klog errors");
    assert!(messages.iter().any(|m| m.windows(12).any(|w| w == b"level=error ")), "logfmt errors");
    let repeated = messages.iter().filter(|m| **m == b"Reloading.").count();
    assert!(repeated > 100, "repeated messages: {repeated}");
    assert!(v.iter().any(|e| e.fields.iter().filter(|(k, _)| *k == "TAG").count() == 2));
    assert!(!values("BLOB_DATA").is_empty() && !values("RAW_BYTES").is_empty());
    assert!(values("RAW_BYTES").iter().all(|b| std::str::from_utf8(b).is_err()));
    let units: std::collections::BTreeSet<_> = values("_SYSTEMD_UNIT").into_iter().collect();
    for u in ["libvirtd.service", "qemu-vm01.scope", "sshd.service", "k3s.service", "nginx.service"] {
        assert!(units.contains(u.as_bytes()), "{u}");
    }
    let prios: std::collections::BTreeSet<_> = values("PRIORITY").into_iter().collect();
    assert_eq!(prios.len(), 8, "every priority 0..=7");
}

/// Parses export format back, as systemd-journal-remote does.
fn parse_export(mut data: &[u8]) -> Vec<Vec<(String, Vec<u8>)>> {
    let mut entries = vec![Vec::new()];
    while let Some(nl) = data.iter().position(|b| *b == b'\n') {
        let line = &data[..nl];
        data = &data[nl + 1..];
        if line.is_empty() {
            entries.push(Vec::new());
        } else if let Some(eq) = line.iter().position(|b| *b == b'=') {
            let name = String::from_utf8(line[..eq].to_vec()).unwrap();
            entries.last_mut().unwrap().push((name, line[eq + 1..].to_vec()));
        } else {
            let len = u64::from_le_bytes(data[..8].try_into().unwrap()) as usize;
            let value = data[8..8 + len].to_vec();
            assert_eq!(data[8 + len], b'\n');
            data = &data[9 + len..];
            entries.last_mut().unwrap().push((String::from_utf8(line.to_vec()).unwrap(), value));
        }
    }
    assert!(entries.pop().unwrap().is_empty(), "the stream ends with a blank line");
    entries
}

#[test]
fn export_format_round_trips() {
    let opts = Options { entries: 2000, seed: 9, boots: 1, ..Options::default() };
    let mut out = Vec::new();
    assert_eq!(write_stream(&opts, &mut out, None).unwrap(), 2000);
    let parsed = parse_export(&out);
    let made = all(opts);
    assert_eq!(parsed.len(), made.len());
    for (p, e) in parsed.iter().zip(&made) {
        assert_eq!(p[0], ("__REALTIME_TIMESTAMP".into(), e.realtime_usec.to_string().into_bytes()));
        assert_eq!(&p[2].1, hex(&e.boot_id).as_bytes());
        let fields: Vec<(String, Vec<u8>)> =
            e.fields.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        assert_eq!(p[3..], fields[..]);
    }
}
