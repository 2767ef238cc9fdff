use super::*;
use crossterm::event::KeyModifiers;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn typed(f: &mut ActFlow, text: &str) -> Outcome {
    for c in text.chars() {
        assert_eq!(f.key(&key(KeyCode::Char(c))), Outcome::Continue);
    }
    f.key(&key(KeyCode::Enter))
}

fn guest() -> FlowTarget {
    FlowTarget { name: "web-1".into(), kind: TargetKind::Libvirt { uri: "qemu:///system".into() } }
}

#[test]
fn force_off_asks_name_reason_then_login() {
    let mut f = ActFlow::new(guest(), vec![Verb::GuestStart, Verb::GuestForceOff], false);
    f.key(&key(KeyCode::Down));
    assert_eq!(f.key(&key(KeyCode::Enter)), Outcome::Continue);
    assert_eq!(f.verb(), Some(Verb::GuestForceOff));
    assert_eq!(typed(&mut f, "web-2"), Outcome::Continue);
    assert!(f.error.as_deref().is_some_and(|e| e.contains("type web-1 exactly")));
    assert!(matches!(f.step, Step::TypeName(_)));
    assert_eq!(typed(&mut f, "web-1"), Outcome::Continue);
    assert_eq!(f.key(&key(KeyCode::Enter)), Outcome::Continue, "an empty reason is refused");
    assert_eq!(f.error.as_deref(), Some("a reason is required"));
    assert_eq!(typed(&mut f, " hung at boot "), Outcome::Continue);
    assert_eq!(typed(&mut f, "alice"), Outcome::Continue);
    let Outcome::Submit(plan) = typed(&mut f, "s3cret") else { panic!("no plan: {f:?}") };
    assert_eq!(
        plan,
        Plan {
            verb: Verb::GuestForceOff,
            target: guest(),
            reason: "hung at boot".into(),
            confirm: "web-1".into(),
            login: Some(("alice".into(), "s3cret".into())),
        }
    );
    assert!(
        matches!(&f.step, Step::Password { typed, .. } if typed.is_empty()),
        "the password stayed in the view"
    );
}

#[test]
fn benign_in_a_grace_window_is_y_and_done() {
    let mut f = ActFlow::new(guest(), vec![Verb::GuestStart], true);
    f.key(&key(KeyCode::Enter));
    assert_eq!(f.key(&key(KeyCode::Char('x'))), Outcome::Continue);
    let Outcome::Submit(plan) = f.key(&key(KeyCode::Char('y'))) else { panic!("{f:?}") };
    assert_eq!((plan.verb, plan.login, plan.reason.as_str()), (Verb::GuestStart, None, ""));
}

#[test]
fn esc_cancels_anywhere_and_clears_the_password() {
    let mut f = ActFlow::new(guest(), vec![Verb::GuestShutdown], false);
    f.key(&key(KeyCode::Enter));
    typed(&mut f, "maintenance");
    typed(&mut f, "alice");
    f.key(&key(KeyCode::Char('p')));
    assert_eq!(f.key(&key(KeyCode::Esc)), Outcome::Cancel);
    assert!(matches!(&f.step, Step::Password { typed, .. } if typed.is_empty()));
    let mut f = ActFlow::new(guest(), vec![Verb::GuestStart], true);
    f.key(&key(KeyCode::Enter));
    assert_eq!(f.key(&key(KeyCode::Char('n'))), Outcome::Cancel);
    let mut empty = ActFlow::new(guest(), vec![], true);
    assert_eq!(empty.key(&key(KeyCode::Enter)), Outcome::Continue);
}
