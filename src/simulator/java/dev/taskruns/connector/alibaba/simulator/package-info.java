/**
 * A simulated Alibaba Cloud Threat Analysis and Response account, served by the app itself in the
 * demo and test builds only: like the ESET one it lives in {@code src/simulator/java}, compiled into tests
 * and the demo build, never into the production jar (its beans are also {@code @IfBuildProfile}). Endpoint {@code http://<host>:<port>/simulator/alibaba/}; Alibaba's
 * own SDK, which cannot take a base path, may use {@code <host>:<port>} itself: a request to {@code /}
 * carrying {@code x-acs-action} is handed to the simulator. AccessKey:
 * {@code taskruns.simulator.alibaba.access-key-id/access-key-secret}.
 *
 * <p>Vendor API, {@code POST /simulator/alibaba/} (GET too), RPC style, parameters in the query
 * string, empty body; one action, {@code DescribeProcessTasks} version {@code 2022-07-28}, shaped as on
 * the vendor's reference page. Checked in this order, each refusal a JSON body
 * {@code {RequestId, HostId, Code, Message, Recommend}}:
 * <ul>
 * <li>V3 signature ({@code ACS3-HMAC-SHA256}, canonical path {@code /} whatever the mount):
 * Authorization missing or malformed, {@code host} or a sent {@code x-acs-*} header not signed, a signed
 * header not sent: 400 {@code IncompleteSignature}; a missing {@code x-acs-action}, {@code x-acs-version},
 * {@code x-acs-date}, {@code x-acs-signature-nonce} or {@code x-acs-content-sha256}: 400
 * {@code MissingParameter}; unknown AccessKeyId: 404 {@code InvalidAccessKeyId.NotFound};
 * {@code x-acs-content-sha256} not the body's: 400 {@code ContentSHA256NotMatched}; {@code x-acs-date}
 * not {@code yyyy-MM-ddTHH:mm:ssZ}: 400 {@code InvalidTimeStamp.Format}, more than 15 minutes from real
 * time: 400 {@code InvalidTimeStamp.Expired}; wrong signature: 400 {@code SignatureDoesNotMatch} (the
 * Message shows the server's string to sign); nonce seen in the last 15 minutes: 400
 * {@code SignatureNonceUsed}.</li>
 * <li>Other action: 404 {@code InvalidAction.NotFound}; other version: 400 {@code InvalidVersion}.</li>
 * <li>Rate limit per AccessKeyId (20 calls/s): 400 {@code Throttling.User}, as Alibaba throttles.</li>
 * <li>Injected faults, then the answer. Bad parameters: 400 {@code InvalidParameter}.</li>
 * </ul>
 * Parameters: PageNumber (1), PageSize (20, above 100 answered as 100), ProcessActionStart/End
 * (inclusive, on ProcessTime else GmtCreateMillis), ProcessRemoveStart/End (inclusive, on RemoveTime;
 * tasks without one left out), TaskStatus (JSON array), TaskId, EntityType, EntityUuid, OrderField
 * ({@code gmtModified} default, {@code gmtCreate}), Direction ({@code desc} default, {@code asc}); others
 * are ignored. Every answer carries its RequestId in {@code x-acs-request-id} too.
 *
 * <p>Tasks go 11 → 20 / 90 / 21 (ip) / 22 (file) after 1–10 minutes, and 21/22 → 23 / 91 / 92 with a
 * RemoveTime after hours to days; a few stay 21/22 for weeks; some file and process tasks learn their
 * EntityUuid only when handled. A new task arrives every {@code arrival-interval} of simulated time.
 *
 * <p>Admin API (no signature, no faults, hidden from OpenAPI), under {@code /simulator/alibaba/admin}:
 * <ul>
 * <li>{@code GET|POST /faults}: JSON {@code {"rateLimitPerSecond": 20, "throttle": {"probability": 0, "next": 0},
 * "throttleStatus": 400, "serverError": {..}, "slow": {..}, "slowDelayMillis": 0, "arrivals": 0}}; a POST
 * changes only the members sent. {@code next: N} forces the fault on the next N calls. throttle answers
 * 400 {@code Throttling.User} (or 429 {@code Throttling} with {@code throttleStatus: 429}); serverError
 * cycles 500 {@code InternalError}, 503 {@code ServiceUnavailable}; {@code arrivals: N} adds N new tasks
 * at the simulated now before each DescribeProcessTasks answer.</li>
 * <li>{@code POST /reset[?seed=&entities=&tasks=]}: reseed; fresh clock, nonces, faults, rate windows, counts.</li>
 * <li>{@code POST /advance?seconds=N}, {@code GET /clock}: {@code {"now": ISO-8601, "nowMillis": epoch ms}}.</li>
 * <li>{@code GET /ground-truth}: {@code {now, nowMillis, tasks}}, every task at the simulated now as
 * DescribeProcessTasks lists it, in its default order.</li>
 * <li>{@code GET /calls}: {@code {"total": N, "byOutcome": {"Success": .., "<Code>": ..}}} since the last reset.</li>
 * </ul>
 */
package dev.taskruns.connector.alibaba.simulator;
