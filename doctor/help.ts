/** The text of `memberspot-doctor --help`: every probe and what it changes. */

import { DEFAULT_BASE_URL } from '../shared/options';

export const HELP = `Usage: memberspot-doctor [options]

Checks one Memberspot school's API against what this package assumes, and says per assumption:
holds / DIFFERS (how, and which file to change) / not checked (why).

The API key is read only from the environment variable MEMBERSPOT_API_KEY (never from the command
line, so it stays out of your shell history) and is never printed. Without a key, only the OpenAPI
document is checked.

  MEMBERSPOT_API_KEY=... npx memberspot-doctor

What runs, and what it changes:
  always    Connection and key: GET /v1/offers (key works, wrong key 401, no API plan 403,
            unreachable, TLS problem, redirect: reported, never followed). Changes nothing.
  always    OpenAPI diff: fetches the API document without the key from <base>/api-json, then
            /api/swagger.json, /swagger.json (or reads --spec) and checks every action's path,
            method, fields, required fields, types and enums; lists operations no action covers.
            Changes nothing.
  always    Read probes: List Users (two small pages: the cursor's name), Find User by Email for the
            first listed member and for an address that cannot exist (404?), List Custom Properties,
            List Course Progress, List Offers: is each answer in the shape the nodes expect, read
            through a fallback, or unknown? Changes nothing.
  --rate    Up to 12 Find User by Email calls for an address that cannot exist, within one second:
            when does a 429 come, with which Retry-After and RateLimit headers; recommends the
            requests-per-second setting. Changes nothing (uses up the rate limit for a second).
  --write   With a throwaway user the doctor makes itself (memberspot-doctor-<random>@ the
            --email-domain, an address no member can have) and an offer (--offer): grant with an order
            ID, revoke and read back, grant again, set an offer expiration, set a custom property
            value, delete access and read back, revoke and delete by order, get a login token, and
            finally delete the throwaway user, only if this run's first grant created it.
            It never writes to an existing member: a given --email is used only when Find User by
            Email answers for it as for an address that cannot exist and no page of List Users holds
            it in any letter case (without Enterprise: List Users alone, every page); otherwise, or
            when a read probe found the List Users or user shape differing, nothing is written (exit
            2). After a read-back that cannot tell the offer's state, no access is deleted on a guess.
            CHANGES YOUR SCHOOL: asks for confirmation unless --yes.

Options:
  --base-url <url>      the API's base URL (default: MEMBERSPOT_BASE_URL, else ${DEFAULT_BASE_URL})
  --spec <file>         check against this OpenAPI/Swagger JSON file instead of fetching it
  --save-spec <file>    keep the OpenAPI document that was found
  --rate                run the rate limit probe
  --write               run the write probes (needs --offer, and --email-domain or --email)
  --email-domain <dom>  the domain of the throwaway address the doctor makes for --write
  --email <address>     instead: a throwaway address of your own for --write (refused unless new)
  --offer <id>          the offer (Access ID) for --write
  --yes                 do not ask before --write
  --json                print the report as JSON, safe to paste into a public bug report: no key,
                        members as <user 1>, ..., no response values (shapes, statuses, header names)
  -h, --help            show this help

Exit code: 0 everything checked holds, 1 something differs, 2 the doctor could not run.`;
