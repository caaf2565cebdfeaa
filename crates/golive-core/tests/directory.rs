//! The people directory: deputies and flags, vCard and CSV round trips, and
//! imports that write everything or nothing.

use golive_core::contacts::{self, Contact, ContactInput, FileFormat};
use golive_core::rehearsal::{self, RehearsalInput};
use golive_core::{ErrorCode, audit};

use crate::support::{Fixture, change};

const NOW: &str = "2026-12-01T12:00:00Z";

fn person(name: &str) -> ContactInput {
    ContactInput {
        name: name.into(),
        ..Default::default()
    }
}

fn team(fixture: &mut Fixture, launch_id: &str) {
    let c = change("ana", NOW);
    contacts::add(
        &mut fixture.store,
        &c,
        launch_id,
        &ContactInput {
            name: "Ana Lopez".into(),
            roles: vec!["pm".into(), "Technical lead".into()],
            email: "ana@example.com".into(),
            phone: "+49 30 1234".into(),
            time_zone: "Europe/Berlin".into(),
            os_user: Some("ana".into()),
            chat: "@ana".into(),
            emergency: true,
            ..Default::default()
        },
    )
    .unwrap();
    contacts::add(
        &mut fixture.store,
        &c,
        launch_id,
        &ContactInput {
            // Commas, semicolons and a long name test the vCard escaping and folding.
            name: "Ben O'Neil; on call, nights — Support & Operations (EMEA) Team".into(),
            roles: vec!["support".into()],
            phone: "+1 212 555 0100".into(),
            time_zone: "America/New_York".into(),
            deputy: Some("ana lopez".into()),
            always_on: true,
            ..Default::default()
        },
    )
    .unwrap();
}

/// A contact without its id, for comparing two launches' directories.
fn shape(c: &Contact) -> String {
    format!(
        "{}|{:?}|{}|{}|{}|{:?}|{}|{:?}|{}|{}",
        c.name,
        c.roles,
        c.email,
        c.phone,
        c.time_zone,
        c.os_user,
        c.chat,
        c.deputy,
        c.always_on,
        c.emergency
    )
}

fn shapes(fixture: &Fixture, launch_id: &str) -> Vec<String> {
    contacts::list(fixture.store.conn(), launch_id)
        .unwrap()
        .iter()
        .map(shape)
        .collect()
}

#[test]
fn a_deputy_covers_and_removing_them_leaves_nobody_covering() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    team(&mut fixture, &launch.id);
    let c = change("ana", NOW);
    let ben = contacts::get(
        fixture.store.conn(),
        &launch.id,
        "Ben O'Neil; on call, nights — Support & Operations (EMEA) Team",
    )
    .unwrap();
    assert_eq!(ben.deputy.as_deref(), Some("Ana Lopez"));
    assert!(ben.always_on && !ben.emergency);

    // Nobody is their own deputy, and a deputy must be in the directory.
    let own = contacts::edit(
        &mut fixture.store,
        &c,
        &launch.id,
        "Ana Lopez",
        &ContactInput {
            deputy: Some("Ana Lopez".into()),
            ..person("Ana Lopez")
        },
    )
    .unwrap_err();
    assert!(
        own.to_string().contains("cannot be their own deputy"),
        "{own}"
    );
    let nobody = contacts::add(
        &mut fixture.store,
        &c,
        &launch.id,
        &ContactInput {
            deputy: Some("Zoe".into()),
            ..person("Carl")
        },
    )
    .unwrap_err();
    assert_eq!(nobody.code(), ErrorCode::InvalidInput);
    assert!(
        nobody.to_string().contains("\"Zoe\" is not a contact"),
        "{nobody}"
    );
    assert!(
        contacts::find(fixture.store.conn(), &launch.id, "Carl")
            .unwrap()
            .is_none(),
        "nothing written"
    );
    let bad_chat = contacts::add(
        &mut fixture.store,
        &c,
        &launch.id,
        &ContactInput {
            chat: "ana on slack".into(),
            ..person("Dee")
        },
    )
    .unwrap_err();
    assert!(
        bad_chat.to_string().contains("not a chat handle"),
        "{bad_chat}"
    );

    contacts::remove(&mut fixture.store, &c, &launch.id, "Ana Lopez").unwrap();
    let ben = contacts::get(fixture.store.conn(), &launch.id, &ben.id).unwrap();
    assert_eq!(ben.deputy, None, "nobody covers for Ben now");
    let removal = audit::events(
        fixture.store.conn(),
        &audit::Query {
            launch_id: Some(launch.id.clone()),
            ..Default::default()
        },
    )
    .unwrap()
    .into_iter()
    .rfind(|e| e.action == "contact.remove")
    .unwrap();
    let details: serde_json::Value = serde_json::from_str(&removal.details).unwrap();
    assert_eq!(details["no_longer_deputy_for"][0], ben.name.as_str());
}

#[test]
fn the_directory_round_trips_through_vcard_and_csv() {
    for format in [FileFormat::VCard, FileFormat::Csv] {
        let mut fixture = Fixture::new();
        let from = fixture.launch();
        team(&mut fixture, &from.id);
        let text = contacts::export(fixture.store.conn(), &from.id, format).unwrap();
        if format == FileFormat::VCard {
            assert!(
                text.lines().all(|l| l.len() <= 76),
                "folded at 75 octets:\n{text}"
            );
            assert!(
                text.contains("FN:Ben O'Neil\\; on call\\, nights"),
                "{text}"
            );
            assert!(
                text.contains("ROLE:Project manager\\, Technical lead"),
                "{text}"
            );
        }
        let file = fixture.dir.path().join(match format {
            FileFormat::VCard => "team.vcf",
            FileFormat::Csv => "team.csv",
        });
        std::fs::write(&file, &text).unwrap();
        let to = fixture.launch();
        let summary =
            contacts::import_file(&mut fixture.store, &change("ana", NOW), &to.id, &file).unwrap();
        assert_eq!(summary.added.len(), 2);
        assert!(summary.updated.is_empty());
        assert_eq!(
            shapes(&fixture, &to.id),
            shapes(&fixture, &from.id),
            "{format:?}"
        );

        // Importing again updates the same people by name.
        let again =
            contacts::import_file(&mut fixture.store, &change("ana", NOW), &to.id, &file).unwrap();
        assert!(again.added.is_empty());
        assert_eq!(again.updated.len(), 2);
        assert_eq!(shapes(&fixture, &to.id), shapes(&fixture, &from.id));
    }
}

#[test]
fn cards_from_other_address_books_are_read() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    // vCard 3.0 with groups, parameters, a folded line, CRLF, and a deputy
    // named before they appear.
    let cards = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Kim;Dana;;;\r\nFN:Dana Kim\r\nitem1.EMAIL;TYPE=INTERNET,pref:dana@example.com\r\nEMAIL:second@example.com\r\nTEL;TYPE=cell:tel:+81 3 1234\r\nTZ:Asia/Tokyo\r\nROLE:Senior engineer\r\nNOTE:long note that\r\n  continues here\r\nX-GOLIVE-DEPUTY:Eli Ross\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:Eli Ross\r\nX-GOLIVE-ROLES:tech,security\r\nX-GOLIVE-EMERGENCY:yes\r\nEND:VCARD\r\n";
    let file = fixture.dir.path().join("phone.VCF");
    std::fs::write(&file, cards).unwrap();
    contacts::import_file(&mut fixture.store, &change("ana", NOW), &launch.id, &file).unwrap();
    let dana = contacts::get(fixture.store.conn(), &launch.id, "Dana Kim").unwrap();
    assert_eq!(dana.email, "dana@example.com", "the first email");
    assert_eq!(dana.phone, "+81 3 1234");
    assert_eq!(dana.time_zone, "Asia/Tokyo");
    assert!(dana.roles.is_empty(), "a job title is not a role");
    assert_eq!(dana.deputy.as_deref(), Some("Eli Ross"));
    let eli = contacts::get(fixture.store.conn(), &launch.id, "Eli Ross").unwrap();
    assert_eq!(eli.roles, ["tech", "security"]);
    assert!(eli.emergency);
}

#[test]
fn a_bad_row_is_reported_by_line_and_nothing_is_written() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    team(&mut fixture, &launch.id);
    let before = shapes(&fixture, &launch.id);
    let cases: &[(&str, &str, &str)] = &[
        (
            "bad-email.csv",
            "name,email\nCarl,carl@example.com\nDee,not-an-email\n",
            "bad-email.csv, line 3: \"not-an-email\" is not an email address",
        ),
        (
            "bad-role.csv",
            "Name,Roles,Email\nCarl,pm,carl@example.com\nDee,janitor,\n",
            "line 3: \"janitor\" is not a role of this launch",
        ),
        (
            "bad-column.csv",
            "name,pager\nCarl,123\n",
            "line 1: the column \"pager\" is not one golive knows",
        ),
        (
            "no-name.csv",
            "email\ncarl@example.com\n",
            "line 1: the header has no `name` column",
        ),
        (
            "ragged.csv",
            "name,email\nCarl,carl@example.com,extra\n",
            "line 2",
        ),
        (
            "bad-flag.csv",
            "name,always_on\nCarl,sometimes\n",
            "line 2: always_on is \"sometimes\"; write yes or no",
        ),
        (
            "twice.csv",
            "name\nCarl\ncarl\n",
            "line 3: \"carl\" is already on line 2",
        ),
        (
            "bad-deputy.csv",
            "name,deputy\nCarl,Nobody Here\n",
            "line 2: the deputy \"Nobody Here\" is not a contact",
        ),
        (
            "bad-zone.csv",
            "name,time_zone\nCarl,Mars/Olympus\n",
            "line 2:",
        ),
        (
            "empty.csv",
            "name\n",
            "holds no contacts; nothing was imported",
        ),
        (
            "no-name.vcf",
            "BEGIN:VCARD\nFN:Carl\nEND:VCARD\nBEGIN:VCARD\nEMAIL:x@example.com\nEND:VCARD\n",
            "no-name.vcf, line 4: the card has no FN",
        ),
        (
            "unended.vcf",
            "BEGIN:VCARD\nFN:Carl\n",
            "line 1: the card never ends",
        ),
        ("outside.vcf", "FN:Carl\n", "line 1: FN is outside a card"),
        (
            "garbage.vcf",
            "BEGIN:VCARD\nFN:Carl\nthis is not vcard\nEND:VCARD\n",
            "line 3: \"this is not vcard\" is not a vCard property",
        ),
        (
            "bad-flag.vcf",
            "BEGIN:VCARD\nFN:Carl\nX-GOLIVE-EMERGENCY:maybe\nEND:VCARD\n",
            "line 3: X-GOLIVE-EMERGENCY is \"maybe\"",
        ),
        ("team.txt", "name\nCarl\n", "neither a .vcf nor a .csv file"),
    ];
    for (name, text, expected) in cases {
        let file = fixture.dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let error =
            contacts::import_file(&mut fixture.store, &change("ana", NOW), &launch.id, &file)
                .unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidInput, "{name}");
        assert!(error.to_string().contains(expected), "{name}: {error}");
        assert_eq!(
            shapes(&fixture, &launch.id),
            before,
            "{name}: nothing written"
        );
    }
}

#[test]
fn a_rehearsal_keeps_who_covers_for_whom() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    team(&mut fixture, &launch.id);
    let rehearsal = rehearsal::create(
        &mut fixture.store,
        &change("ana", NOW),
        &launch.id,
        &RehearsalInput::default(),
    )
    .unwrap();
    assert_eq!(
        shapes(&fixture, &rehearsal.id),
        shapes(&fixture, &launch.id)
    );
    let ben = contacts::list(fixture.store.conn(), &rehearsal.id)
        .unwrap()
        .into_iter()
        .find(|c| c.name.starts_with("Ben"))
        .unwrap();
    let ana = contacts::get(fixture.store.conn(), &rehearsal.id, "Ana Lopez").unwrap();
    assert_eq!(
        ben.deputy_id.as_deref(),
        Some(ana.id.as_str()),
        "the rehearsal's own Ana"
    );
}
