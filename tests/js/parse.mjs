// Parse an .ics file with ical.js (the parser inside Thunderbird) and print what it understood as JSON.
//
//   node tests/js/parse.mjs feed.ics [windowStartISO windowEndISO]
//
// Prints {calendar: {...}, events: [...], occurrences: [...]}: every VEVENT as parsed, and every occurrence
// starting in [windowStart, windowEnd) after expanding RRULE/EXDATE and applying RECURRENCE-ID overrides.
// Instants are UTC ISO strings, so the Python side can compare them with other parsers.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [file, windowStart, windowEnd] = process.argv.slice(2);
if (!file) {
  console.error("usage: node parse.mjs file.ics [windowStartISO windowEndISO]");
  process.exit(2);
}

const text = readFileSync(file, "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}

const iso = (time) => (time ? new Date(time.toUnixTime() * 1000).toISOString() : null);
const valueOf = (component, name) => {
  const value = component.getFirstPropertyValue(name);
  return value === null || value === undefined ? null : String(value);
};

const vevents = calendar.getAllSubcomponents("vevent");
const events = vevents.map((component) => {
  const event = new ICAL.Event(component, { strictExceptions: true, exceptions: [] });
  return {
    uid: event.uid,
    recurrenceId: component.hasProperty("recurrence-id") ? iso(event.recurrenceId) : null,
    summary: event.summary,
    location: event.location,
    description: event.description,
    start: iso(event.startDate),
    end: iso(event.endDate),
    startTzid: component.getFirstProperty("dtstart").getParameter("tzid") || null,
    status: valueOf(component, "status"),
    sequence: event.sequence,
    class: valueOf(component, "class"),
    transp: valueOf(component, "transp"),
    url: valueOf(component, "url"),
    categories: component.getAllProperties("categories").flatMap((p) => p.getValues().map(String)),
    organizer: valueOf(component, "organizer"),
    attendees: component.getAllProperties("attendee").map((p) => String(p.getFirstValue())),
    conference: component.getAllProperties("conference").map((p) => String(p.getFirstValue())),
    rrule: component.hasProperty("rrule") ? component.getFirstPropertyValue("rrule").toString() : null,
    exdates: component.getAllProperties("exdate").flatMap((p) => p.getValues().map(iso)),
  };
});

const occurrences = [];
if (windowStart && windowEnd) {
  const from = new Date(windowStart).getTime();
  const to = new Date(windowEnd).getTime();
  const inWindow = (time) => {
    const ms = time.toUnixTime() * 1000;
    return ms >= from && ms < to;
  };
  const overrides = vevents.filter((c) => c.hasProperty("recurrence-id"));
  for (const component of vevents) {
    if (component.hasProperty("recurrence-id")) continue;
    const uid = component.getFirstPropertyValue("uid");
    const event = new ICAL.Event(component, {
      strictExceptions: true,
      exceptions: overrides.filter((c) => c.getFirstPropertyValue("uid") === uid),
    });
    if (!event.isRecurring()) {
      if (inWindow(event.startDate)) {
        occurrences.push({ uid, recurrenceId: null, start: iso(event.startDate), end: iso(event.endDate),
                           summary: event.summary, status: valueOf(component, "status") });
      }
      continue;
    }
    const iterator = event.iterator();
    for (let next = iterator.next(); next; next = iterator.next()) {
      const details = event.getOccurrenceDetails(next);
      if (next.toUnixTime() * 1000 >= to && details.startDate.toUnixTime() * 1000 >= to) break;
      if (!inWindow(details.startDate)) continue;
      occurrences.push({ uid, recurrenceId: iso(details.recurrenceId), start: iso(details.startDate),
                         end: iso(details.endDate), summary: details.item.summary,
                         status: valueOf(details.item.component, "status") });
    }
  }
  occurrences.sort((a, b) => (a.start + a.uid).localeCompare(b.start + b.uid));
}

const calendarProps = {};
for (const name of ["prodid", "version", "calscale", "method", "x-wr-calname", "x-wr-timezone", "name",
                    "refresh-interval", "x-published-ttl"]) {
  calendarProps[name] = valueOf(calendar, name);
}
calendarProps.timezones = calendar.getAllSubcomponents("vtimezone").map((c) => c.getFirstPropertyValue("tzid"));

process.stdout.write(JSON.stringify({ calendar: calendarProps, events, occurrences }));
