// Package normalize turns phone numbers written any way people write them
// into E.164 keys, with the number's type, or a stable reason why the input is
// not a valid number.
//
// # Identity
//
// A number's identity is its E.164 form as computed by
// github.com/nyaruka/phonenumbers (Google's libphonenumber metadata) for the
// default region given to New, with two deliberate differences described
// below (the overseas rule and spreadsheet scientific notation). The Key is
// the E.164 digits read as an integer: +33612345678 is Key(33612345678).
//
// With region FR, every one of these spellings is +33612345678, a mobile:
//
//	06 12 34 56 78           national format, any of the separators . - / ( )
//	06.12.34.56.78           and blanks (space, tab, no-break space)
//	(06) 12 34 56 78
//	+33 6 12 34 56 78        international format
//	+33 (0)6 12 34 56 78     international format with the national prefix
//	0033 6 12 34 56 78       international dialling prefix of the region (00)
//	33612345678              country code without "+" (phonenumbers strips the
//	                         default region's country code when what follows
//	                         is a number of the region and the whole is not)
//	612345678                a spreadsheet dropped the leading zero: a 9-digit
//	6 12 34 56 78            French national significant number
//	tel:+33612345678         RFC 3966 URI
//	tel: 06 12 34 56 78
//
// Blanks (including tabs and no-break spaces) around the input are removed
// before phonenumbers sees it (phonenumbers alone rejects a trailing tab).
// Between digits, every Unicode space separator is a space: the thin space
// U+2009, the narrow no-break space U+202F that French typography puts
// between digit groups, the figure space U+2007 (phonenumbers alone knows
// only the space, U+00A0 and U+3000, and reads "06\u202f12\u202f34\u202f56\u202f78"
// as the too-short "06"). A byte that is not valid UTF-8 is read as
// Windows-1252, since scrub normalizes a field's raw bytes: the 0xA0
// no-break space and 0x96 en dash of a Windows-1252 file are a separator.
// Whatever phonenumbers accepts is accepted the same way — leading labels
// ("Tél: 06…"), full-width digits, vanity letters ("1-800-FLOWERS" with
// region US) — with one exception: one cell holds one number. Where
// phonenumbers would keep the first of two numbers and drop the rest
// ("0612345678;0145678901") or drop an extension ("06 12 34 56 78 x12"), the
// input is not-a-number: the dropped digits could be a registered number.
//
// # The overseas rule
//
// The French overseas departments are numbered inside the French 10-digit
// plan but have their own country codes. phonenumbers, given region FR,
// either rejects their numbers (0692 12 34 56 is "invalid") or, worse, gives
// them a +33 key (0262 12 34 56 is +33262123456, 0596 61 23 45 is
// +33596612345, 0976 27 12 34 is a +33 VoIP number), so the same line would
// get a different key when written +262 262 12 34 56. The overseas rule fixes
// this. It applies to every number phonenumbers reads as country code 33 with
// a 9-digit national significant number: national format with region FR
// (0692 12 34 56), the spreadsheet 9-digit form with region FR (692123456),
// and explicit +33/0033/33 forms with any region (+33 6 92 12 34 56, written
// by tools that blindly replace the leading 0 by +33). Such a number moves to
// the overseas country code, keeping its 9 digits, when
//
//  1. its first three digits are a prefix the French plan gives to an
//     overseas department:
//
//     262 263 269 639 692 693 → +262 (Réunion, Mayotte)
//     590 690 691             → +590 (Guadeloupe, Saint-Barthélemy, Saint-Martin)
//     594 694                 → +594 (French Guiana)
//     596 696 697             → +596 (Martinique)
//
//  2. or it does not start with 8 and the phonenumbers metadata of RE, YT,
//     GP, BL, MF, MQ or GF (tried in that order, first match wins) lists it
//     as a fixed-line, mobile or VoIP number of that region: the 0709x
//     mobiles, the 05 87/05 88/05 89 fixed lines, the 0268 8x/0268 9x fixed
//     lines and the 09 VoIP ranges (0939x, 0947x, 0976x) of the overseas
//     operators.
//
// Numbers starting with 8 (0800 toll free, 089x premium rate, 081x/082x
// shared cost, 0806–0809) are nationwide non-geographic numbers and stay
// +33, although the overseas metadata also lists some of them. The moved
// number is then validated and typed by phonenumbers under its new country
// code; if the overseas plan does not know it, it is invalid-for-region (it is
// never given back its +33 key). Saint-Pierre-et-Miquelon (+508) has 6-digit
// numbers outside the French plan and is not concerned. Examples with region
// FR:
//
//	0692 12 34 56      → +262692123456 mobile
//	692123456          → +262692123456 mobile
//	+33 6 92 12 34 56  → +262692123456 mobile
//	+262 692 12 34 56  → +262692123456 mobile
//	0639 01 23 45      → +262639012345 mobile (Mayotte)
//	0262 12 34 56      → +262262123456 fixed_line
//	0269 60 12 34      → +262269601234 fixed_line (Mayotte)
//	0690 12 34 56      → +590690123456 mobile
//	0590 27 12 34      → +590590271234 fixed_line (Saint-Barthélemy)
//	0694 12 34 56      → +594694123456 mobile
//	0696 12 34 56      → +596696123456 mobile
//	0596 30 12 34      → +596596301234 fixed_line
//	0263 99 12 34      → invalid-for-region (+262 prefix, not in the RE/YT plan)
//	0800 12 34 56      → +33800123456 toll_free (stays French)
//
// # Types
//
// MOBILE, FIXED_LINE, VOIP, TOLL_FREE and PREMIUM_RATE map to TypeMobile,
// TypeFixedLine, TypeVoIP, TypeTollFree and TypePremiumRate; every other
// phonenumbers type (FIXED_LINE_OR_MOBILE, as for all US numbers,
// SHARED_COST, PERSONAL_NUMBER, PAGER, UAN, VOICEMAIL) is TypeOther. With
// region FR: 06/07 mobile, 01–05 fixed_line, 09 voip, 0800–0805 toll_free,
// 089x premium_rate, 081x shared cost and 0806–0809 UAN are other.
//
// # Reasons
//
// An input that is not a valid number gets exactly one Reason, decided in this
// order:
//
//	""  " \t "                   → empty            only blanks
//	"6.12345678E+8"              → excel-scientific a spreadsheet's scientific
//	"6,12345678E+08"                                notation: digits were lost
//	"3.3612345678E+10"                              and are never guessed
//	"N/A", "jean@x.fr", "06 12 AB"→ not-a-number    a letter or symbol that is no
//	                                                 phone spelling, or no digit
//	"06 12 34", "1"              → too-short        fewer digits than any number
//	                                                 of the region (or a local-only
//	                                                 length such as US 555-0123)
//	"06 12 34 56 78 9"           → too-long         more digits than any number
//	"0870 12 34 56", "+999 1234" → invalid-for-region  a possible length but not a
//	                                                 number of the plan, or an
//	                                                 unknown country code
//
// Letters that phonenumbers reads as part of a valid number (a label) do not
// make the input invalid; digits it would drop (a second number, an
// extension) make it not-a-number.
//
// # Speed
//
// Normalize first tries an allocation-free fast path that handles the common
// spellings (digits with blanks and . - / ( ) separators, optional "+",
// international dialling prefix or "tel:") of country codes whose metadata
// is simple enough: it strips the prefixes exactly as phonenumbers does and
// decides validity and type with digit DFAs compiled at New from the
// metadata patterns, in the order phonenumbers tries them. A DFA walk stops
// as soon as the remaining digits cannot change its answer (precomputed per
// state and remaining length), and for the default region's national
// numbers after the usual prefixes (FR: 0, 33, 0033, +33, +33 (0)) a table
// by the first three digits gives the calling code and type directly when
// those digits decide them. Whenever it is not sure, and for every invalid
// input it does not recognise, the reference path (phonenumbers) runs.
// Both paths are checked against each other by a differential test and a fuzz
// target; the early-stopping walks and the table are also checked against
// the plain walks and the general fast path.
package normalize
