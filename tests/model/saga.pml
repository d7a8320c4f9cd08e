/*
 * The order saga as services/order and services/inventory implement it, for spin.
 * docs/orders.md ("The saga, model-checked") says what is modelled and what is assumed;
 * tests/model/test_saga_model.py runs the exhaustive search and every seeded mutation.
 *
 * The order store and the inventory database are shared variables; each SQL transaction is
 * one atomic step. Every change of an order is a compare-and-set on (status, must_release),
 * as SqlOrderRepository.save_transition does. Calls from the order service to the inventory
 * travel through a channel and may be lost, duplicated, reordered or answered after the
 * caller stopped waiting; the order service may crash at any step and lose what it held in
 * memory. When the faults are spent the system runs calm until it is quiescent, and the
 * properties are checked there.
 *
 * Transitions are written only through ORDER_MOVE and RESERVATION_MOVE, so that
 * test_saga_model.py can compare them with the code's transition tables.
 */

#define SKUS 2
#define CLIENTS 2
#define ORDERS 3          /* order numbers: one per client, and client 0's retry */
#define CALLERS 5         /* reply channels: 3 attempts, a cancel, the recovery loop */
#define NOBODY 255

#ifndef NET_FAULTS
#define NET_FAULTS 2      /* requests or answers lost, duplicated, or waited out */
#endif
#ifndef ORDER_CRASHES
#define ORDER_CRASHES 1   /* the order service dies mid-request */
#endif
#ifndef GIVE_UPS
#define GIVE_UPS 0        /* a client stops waiting and retries while its attempt goes on */
#endif

mtype = {
  NONE, PENDING, CONFIRMED, REJECTED, FAILED, CANCELLED,  /* an order's status */
  RESERVED, RELEASED,                                      /* a reservation's (and REJECTED) */
  RESERVE, RELEASE, LOOKUP,                                /* calls to the inventory */
  UNAVAILABLE, IN_PROGRESS, LOST                           /* what a caller may be told */
};

/* What each client orders: client 0 one A; client 1 one A and two B, all or nothing. In
 * stock: one A, two B. (Arithmetic on 0/1, not `c -> a : b`, which LTL reads as "implies".) */
#define QTY(c, s) (((s) == 0) + ((s) == 1) * 2 * ((c) == 1))
#define INITIAL(s) (1 + ((s) == 1))
/* Client 0 retries with its Idempotency-Key; client 1 may cancel what it was confirmed. */
#define ATTEMPTS(c) (1 + ((c) == 0))

/* The order store (the order service's database). */
mtype status[ORDERS] = NONE;
bool must_release[ORDERS];
byte client_of[ORDERS];                 /* whose Idempotency-Key placed it */
byte key_holder[CLIENTS] = NOBODY;       /* the unique (scope, key) column: owing a release
                                           * (bound to fail) gives it up */
byte orders_placed;

/* The inventory database. */
int stock[SKUS];
mtype reservation[ORDERS] = NONE;

/* Ghosts: what the properties read, never what the services decide on. */
bool release_seen[ORDERS];               /* a release of this order number reached inventory */
byte answered[CLIENTS] = NOBODY;          /* the order a client was last answered with */
byte handlers_running;
bool calm;                               /* faults are spent: services stay up */
bool recovered;                          /* the recovery loop's calm round is done */
bool quiescent;                          /* calm, every request answered, recovery done */
byte net_faults;
byte order_crashes;
byte give_ups;

chan inventory_calls = [6] of { mtype, byte, byte, byte };   /* call, order, caller, tag */
chan replies[CALLERS] = [3] of { byte, mtype };               /* tag, answer */
byte next_caller;
byte lost_tag[CALLERS];                  /* the call whose request or answer was dropped */

#define CONFIRMED_QTY(s) \
  ((status[0] == CONFIRMED) * QTY(client_of[0], s) + \
   (status[1] == CONFIRMED) * QTY(client_of[1], s) + \
   (status[2] == CONFIRMED) * QTY(client_of[2], s))
#define TAKEN(s) (INITIAL(s) - stock[s])
#define STOCK_MATCHES_CONFIRMED (TAKEN(0) == CONFIRMED_QTY(0) && TAKEN(1) == CONFIRMED_QTY(1))
#define ANY_PENDING (status[0] == PENDING || status[1] == PENDING || status[2] == PENDING)

ltl stock_never_negative { [] (stock[0] >= 0 && stock[1] >= 0) }
ltl no_order_pending_forever { <> [] !ANY_PENDING }
ltl stock_matches_confirmed_at_rest { [] (quiescent -> STOCK_MATCHES_CONFIRMED) }

/* ---------------------------------------------------------------- the order store */

/* One conditional UPDATE: moves order o from (FROM, FROM_MARK) to (TO, TO_MARK), or does
 * nothing and says so (ok = false), as save_transition's WHERE clause does. */
inline ORDER_MOVE(o, FROM, FROM_MARK, TO, TO_MARK, ok) {
  d_step {
#ifdef SETTLE_NOT_CAS
    if
    :: status[o] != NONE -> ok = true
    :: else -> ok = false
    fi;
#else
    ok = (status[o] == FROM && must_release[o] == FROM_MARK);
#endif
    if
    :: ok ->
       printf("MSC: order store: order %d %e (release owed: %d) -> %e (release owed: %d)\n",
              o, status[o], must_release[o], TO, TO_MARK);
       status[o] = TO;
       must_release[o] = TO_MARK;
       /* owe_release() and fail() give the key back: the order can only fail from here */
       if
       :: (TO == FAILED || (TO == PENDING && TO_MARK)) && key_holder[client_of[o]] == o ->
          key_holder[client_of[o]] = NOBODY
       :: else -> skip
       fi
    :: else -> skip
    fi
  }
}

/* ---------------------------------------------------------------- the inventory */

inline RESERVATION_MOVE(o, FROM, TO) {
  assert(reservation[o] == FROM);
  reservation[o] = TO
}

/* SqlReservationRepository.reserve: one transaction, all or nothing, once per order. */
inline reserve_stock(o, answer) {
  d_step {
    if
    :: reservation[o] != NONE -> answer = reservation[o]
    :: else ->
#ifdef UNCONDITIONAL_DECREMENT
       if
       :: true ->
#else
       if
       :: stock[0] >= QTY(client_of[o], 0) && stock[1] >= QTY(client_of[o], 1) ->
#endif
          assert(!release_seen[o]);        /* a released order number never takes stock */
          stock[0] = stock[0] - QTY(client_of[o], 0);
          stock[1] = stock[1] - QTY(client_of[o], 1);
          assert(stock[0] >= 0 && stock[1] >= 0);
          RESERVATION_MOVE(o, NONE, RESERVED)
       :: else -> RESERVATION_MOVE(o, NONE, REJECTED)
       fi;
       answer = reservation[o]
    fi
  }
}

/* SqlReservationRepository.release: only the request that flips RESERVED gives stock back;
 * a release before any reservation leaves a tombstone that a late reservation respects. */
inline release_stock(o, answer) {
  d_step {
    release_seen[o] = true;
    if
    :: reservation[o] == RESERVED ->
       stock[0] = stock[0] + QTY(client_of[o], 0);
       stock[1] = stock[1] + QTY(client_of[o], 1);
       RESERVATION_MOVE(o, RESERVED, RELEASED)
#ifndef NO_TOMBSTONE
    :: reservation[o] == NONE -> RESERVATION_MOVE(o, NONE, RELEASED)
#endif
#ifdef RELEASE_NOT_IDEMPOTENT
    :: reservation[o] == RELEASED ->
       stock[0] = stock[0] + QTY(client_of[o], 0);
       stock[1] = stock[1] + QTY(client_of[o], 1)
#endif
    :: else -> skip
    fi;
    answer = reservation[o]
  }
}

proctype Inventory() {
  mtype call, answer;
  byte o, caller, tag;
  bool run_now;
end_serving:
  do
  :: atomic {
     inventory_calls?call, o, caller, tag;
     run_now = true;
     if
     :: !calm && net_faults < NET_FAULTS ->
        /* the request is lost, or the inventory dies before its transaction commits */
        net_faults++;
        lost_tag[caller] = tag;
        run_now = false;
        printf("MSC: inventory: %e for order %d lost before it ran\n", call, o)
     :: !calm && net_faults < NET_FAULTS && nfull(inventory_calls) ->
        /* overtaken: it runs after the calls sent behind it */
        net_faults++;
        inventory_calls!call, o, caller, tag;
        run_now = false;
        printf("MSC: inventory: %e for order %d delayed\n", call, o)
     :: !calm && net_faults < NET_FAULTS && nfull(inventory_calls) ->
        /* delivered twice: the copy runs later, after the calls sent behind it */
        net_faults++;
        inventory_calls!call, o, caller, tag;
        printf("MSC: inventory: %e for order %d duplicated\n", call, o)
     :: true -> skip
     fi;
     if
     :: run_now ->
        if
        :: call == RESERVE -> reserve_stock(o, answer)
        :: call == RELEASE -> release_stock(o, answer)
        :: call == LOOKUP -> answer = reservation[o]
        fi;
        printf("MSC: inventory: %e order %d -> reservation %e, stock A=%d B=%d\n",
               call, o, answer, stock[0], stock[1]);
        if
        :: !calm && net_faults < NET_FAULTS ->
           /* committed, but the answer is lost (or the inventory died after the commit) */
           net_faults++;
           lost_tag[caller] = tag;
           printf("MSC: inventory: the answer to %e for order %d is lost\n", call, o)
        :: nfull(replies[caller]) -> replies[caller]!tag, answer
        :: full(replies[caller]) -> skip   /* nobody is reading: the caller moved on */
        fi
     :: else -> skip
     fi;
     run_now = false; call = 0; answer = 0; o = 0; caller = 0; tag = 0
     }
  od
}

/* A call from the order service to the inventory: `send_call` sends it, `await_answer`
 * gives its answer, or UNAVAILABLE when the request or answer was lost or the caller
 * stopped waiting (the request may still run later). Stale answers of earlier calls are
 * skipped by their tag. */
inline send_call(call, o) {
  tag++;
  inventory_calls!call, o, me, tag
}

inline await_answer(answer) {
  do
  :: atomic {
       replies[me]?got_tag, got;
       if
       :: got_tag == tag -> answer = got; got_tag = 0; got = 0; break
       :: else -> got_tag = 0; got = 0
       fi
     }
  :: atomic { lost_tag[me] == tag -> lost_tag[me] = 0; answer = UNAVAILABLE; break }
  :: atomic {
       !calm && net_faults < NET_FAULTS ->
       /* the call times out while the inventory is slow */
       net_faults++;
       printf("MSC: order service: the call for order %d timed out\n", o);
       answer = UNAVAILABLE;
       break
     }
  od
}

/* The order service may die before any step: what it held in memory is gone. Written as
 * the first option of the step's `if`, so that choosing to crash is part of the step. */
#define MAY_CRASH \
  :: atomic { \
       !calm && order_crashes < ORDER_CRASHES -> \
       order_crashes++; printf("MSC: order service crashed\n"); goto crashed \
     }

/* ---------------------------------------------------------------- the order service */

/* cancel_order: record the cancellation and the release it owes, then release. */
proctype Cancel(byte o) {
  byte me, tag, got_tag;
  mtype answer, got;
  bool ok;
  atomic { me = next_caller; next_caller++ }
#ifdef CANCEL_RELEASES_FIRST
  atomic { send_call(RELEASE, o) };
  await_answer(answer);
  if
  MAY_CRASH
  :: answer != UNAVAILABLE -> ORDER_MOVE(o, CONFIRMED, false, CANCELLED, false, ok)
  :: else -> skip
  fi;
#else
  ORDER_MOVE(o, CONFIRMED, false, CANCELLED, true, ok);
  if
  :: ok ->
     if
     MAY_CRASH
     :: atomic { send_call(RELEASE, o) }
     fi;
     await_answer(answer);
     if
     MAY_CRASH
     :: answer != UNAVAILABLE -> ORDER_MOVE(o, CANCELLED, true, CANCELLED, false, ok)
     :: else -> skip   /* the recovery loop gives the stock back */
     fi
  :: else -> skip
  fi;
#endif
crashed:
  atomic { handlers_running--; me = 0; tag = 0; answer = 0; ok = false }
}

/* What client c does with the answer to its attempt: an idempotent replay answers the same
 * order (unless the first one gave its key back, bound to fail); no final answer (FAILED,
 * in progress, unavailable, a lost connection) is retried with the same key while attempts
 * remain; client 1 may cancel what was confirmed. */
inline client_reads_answer() {
  if
  :: told == CONFIRMED || told == REJECTED || told == CANCELLED || told == IN_PROGRESS ->
     /* the first order gave its key back: FAILED, or bound to fail (PENDING, owing) */
     assert(answered[c] == NOBODY || answered[c] == o || status[answered[c]] == FAILED ||
            (status[answered[c]] == PENDING && must_release[answered[c]]));
     answered[c] = o
  :: else -> skip
  fi;
  if
  :: told == CONFIRMED && c == 1 -> handlers_running++; run Cancel(o)
  :: told == CONFIRMED || told == REJECTED || told == CANCELLED -> skip
  :: else ->
     if
     :: attempt < ATTEMPTS(c) -> handlers_running++; run Place(c, attempt + 1)
     :: else -> skip
     fi
  fi
}

/* place_order, attempt number `attempt` of client c: replay by Idempotency-Key, else write
 * PENDING, reserve, settle. The client may give up waiting at once and retry alongside:
 * the scheduler may run either attempt at any pace, so starting the retry at the start
 * covers giving up at any later moment. */
proctype Place(byte c, attempt) {
  byte me, tag, o, got_tag;
  mtype answer, told, got;
  bool ok, given_up;
  atomic {
    me = next_caller; next_caller++;
    if
    :: !calm && give_ups < GIVE_UPS && attempt < ATTEMPTS(c) ->
       give_ups++; given_up = true; handlers_running++; run Place(c, attempt + 1);
       printf("MSC: client %d stops waiting for attempt %d and retries\n", c, attempt)
    :: else -> skip
    fi
  }
lookup:
  /* The order row holding the key, as one SELECT reads it (_replay answers it as it is; a
   * PENDING one after the wait is "in progress"); else INSERT the PENDING order with its
   * key and send the reservation. The unique key makes a racing twin replay. */
  atomic {
    if
    :: key_holder[c] != NOBODY ->
       o = key_holder[c];
       if
       :: status[o] != PENDING -> told = status[o]
       :: else -> told = IN_PROGRESS
       fi;
       goto answer_client
    :: else ->
       o = orders_placed;
       orders_placed++;
       assert(o < ORDERS);
       client_of[o] = c;
       status[o] = PENDING;
       key_holder[c] = o;
       printf("MSC: order service: order %d of client %d written PENDING\n", o, c)
    fi
  };
  if
  MAY_CRASH
  :: atomic { send_call(RESERVE, o) }
  fi;
  await_answer(answer);
  if
  MAY_CRASH
  :: answer == RESERVED -> ORDER_MOVE(o, PENDING, false, CONFIRMED, false, ok)
  :: answer == REJECTED -> ORDER_MOVE(o, PENDING, false, REJECTED, false, ok)
  :: answer == RELEASED -> ORDER_MOVE(o, PENDING, false, FAILED, false, ok)
  :: answer == UNAVAILABLE ->
     /* _abandon: the reservation may have landed. Owe its release first, then release. */
#ifdef RELEASE_BEFORE_MARK
     atomic { send_call(RELEASE, o) };
     await_answer(answer);
     if
     MAY_CRASH
     :: answer == UNAVAILABLE -> ORDER_MOVE(o, PENDING, false, PENDING, true, ok)
     :: else -> ORDER_MOVE(o, PENDING, false, FAILED, false, ok)
     fi
#else
     ORDER_MOVE(o, PENDING, false, PENDING, true, ok);
     if
     :: ok ->
        if
        MAY_CRASH
        :: atomic { send_call(RELEASE, o) }
        fi;
        await_answer(answer);
        if
        MAY_CRASH
        :: answer != UNAVAILABLE -> ORDER_MOVE(o, PENDING, true, FAILED, true, ok)
        :: else -> skip
        fi
     :: else -> skip
     fi
#endif
  fi;
  /* What the store holds now (whoever settled it decided); PENDING is "try again". */
  atomic {
    told = status[o];
    if
    :: told == PENDING -> told = UNAVAILABLE
    :: else -> skip
    fi;
answer_client:
    if
    :: !given_up -> client_reads_answer()
    :: else -> skip
    fi;
    handlers_running--;
    goto finished
  };
crashed:
  atomic {
    told = LOST;
    if
    :: !given_up -> client_reads_answer()
    :: else -> skip
    fi;
    handlers_running--
  };
finished:
  /* a finished process stays in the state vector until younger ones end: forget it all */
  atomic { me = 0; tag = 0; o = 0; answer = 0; told = 0; ok = false; given_up = false }
}

/* settle_abandoned_orders over the orders from o to last - 1. It reads each order as one
 * SELECT. */
inline recovery_round(last) {
  do
  :: atomic { o < last && status[o] == PENDING && must_release[o] ->
              send_call(RELEASE, o) };
     await_answer(answer);
     if
     :: answer != UNAVAILABLE -> ORDER_MOVE(o, PENDING, true, FAILED, true, ok)
     :: else -> skip
     fi;
     o++
  :: atomic { o < last && status[o] == PENDING && !must_release[o] ->
#ifdef RECOVERY_CONFIRMS_BLINDLY
              answer = RESERVED
#else
              send_call(LOOKUP, o)
#endif
     };
#ifndef RECOVERY_CONFIRMS_BLINDLY
     await_answer(answer);
#endif
     if
     :: answer == RESERVED -> ORDER_MOVE(o, PENDING, false, CONFIRMED, false, ok)
     :: answer == REJECTED -> ORDER_MOVE(o, PENDING, false, REJECTED, false, ok)
     :: answer == NONE || answer == RELEASED ->
        ORDER_MOVE(o, PENDING, false, PENDING, true, ok);
        if
        :: ok ->
           atomic { send_call(RELEASE, o) };
           await_answer(answer);
           if
           :: answer != UNAVAILABLE -> ORDER_MOVE(o, PENDING, true, FAILED, true, ok)
           :: else -> skip
           fi
        :: else -> skip
        fi
     :: answer == UNAVAILABLE -> skip
     fi;
     o++
  :: atomic { o < last && status[o] == CANCELLED && must_release[o] ->
              send_call(RELEASE, o) };
     await_answer(answer);
     if
     :: answer != UNAVAILABLE -> ORDER_MOVE(o, CANCELLED, true, CANCELLED, false, ok)
     :: else -> skip
     fi;
     o++
  :: atomic { o < last && status[o] != PENDING &&
              !(status[o] == CANCELLED && must_release[o]) -> o++ }
  :: atomic { o >= last -> o = 0; break }
  od
}

proctype Recovery() {
  byte me, tag, o, last, got_tag;
  mtype answer, got;
  bool ok;
  atomic { me = next_caller; next_caller++ };
  /* Racing the live requests, at any moment (no timing assumption), the loop settles one
   * order. Orders are settled independently of each other, so one is enough to race. */
  atomic {
    orders_placed > 0;
    if
    :: o = 0
    :: orders_placed > 1 -> o = 1
    :: orders_placed > 2 -> o = 2
    fi;
    last = o + 1
  };
  recovery_round(last);
  /* the calm round over every order, once every client is done */
  atomic { calm && handlers_running == 0 -> last = orders_placed };
  recovery_round(last);
  recovered = true
}

init {
  byte s, c;
  stock[0] = INITIAL(0);
  stock[1] = INITIAL(1);
  atomic {
    run Inventory();
    run Recovery();
    c = 0;
    do
    :: c < CLIENTS -> handlers_running++; run Place(c, 1); c++
    :: else -> break
    od
  }
  /* every request answered (handlers are counted where they are started) */
  (handlers_running == 0);
  calm = true;
  /* the recovery's calm round settled what was left; late calls have all run */
  (recovered && empty(inventory_calls));
  quiescent = true;
  printf("MSC: quiescent: stock A=%d B=%d\n", stock[0], stock[1]);
  s = 0;
  do
  :: s < SKUS ->
     assert(stock[s] >= 0);
     assert(TAKEN(s) == CONFIRMED_QTY(s));   /* stock taken = confirmed quantities */
     s++
  :: else -> break
  od;
  c = 0;
  do
  :: c < ORDERS ->
     assert(status[c] != PENDING);                           /* nothing left PENDING */
     assert(!(status[c] == CANCELLED && must_release[c]));    /* every cancel gave back */
     assert(status[c] != CONFIRMED || reservation[c] == RESERVED);
     c++
  :: else -> break
  od
}
