%% The actor benchmarks of bench/actors/*.c in Erlang, for comparison.
%% Usage: erl -noshell -pa DIR -s actors_bench main KIND N -s init stop
-module(actors_bench).
-export([main/1]).

main([Kind, NArg]) ->
    N = list_to_integer(atom_to_list(NArg)),
    %% Replies pile up in main's mailbox while it spawns; keeping them off
    %% its heap avoids copying them at every collection (the default makes
    %% the 1,000,000-process runs quadratic).
    process_flag(message_queue_data, off_heap),
    case Kind of
        spawn -> spawn_bench(N);
        idle -> idle_bench(N);
        pingpong -> pingpong_bench(N);
        ring -> ring_bench(N)
    end.

now_s() -> erlang:monotonic_time(microsecond) / 1.0e6.

%% spawn: N processes that each receive one message and exit.
spawn_bench(N) ->
    Main = self(),
    T0 = now_s(),
    spawn_loop(N, Main),
    wait_n(N),
    io:format("spawn: ~p processes in ~.3f s~n", [N, now_s() - T0]).

spawn_loop(0, _) -> ok;
spawn_loop(K, Main) ->
    P = spawn(fun() -> receive V -> Main ! V end end),
    P ! 1,
    spawn_loop(K - 1, Main).

wait_n(0) -> ok;
wait_n(K) -> receive 1 -> wait_n(K - 1) end.

%% idle: N processes parked in receive; memory per process.
idle_bench(N) ->
    Main = self(),
    erlang:garbage_collect(),
    Before = erlang:memory(total),
    T0 = now_s(),
    idle_loop(N, Main),
    wait_n(N),
    After = erlang:memory(total),
    io:format("idle: ~p parked processes, ~.1f bytes each, spawned in ~.3f s~n",
              [N, (After - Before) / N, now_s() - T0]).

idle_loop(0, _) -> ok;
idle_loop(K, Main) ->
    spawn(fun() -> Main ! 1, receive stop -> ok end end),
    idle_loop(K - 1, Main).

%% ping-pong: two processes exchange N messages.
pingpong_bench(N) ->
    Main = self(),
    P = spawn(fun() -> ponger(Main, N) end),
    T0 = now_s(),
    P ! 0,
    pinger(P, N),
    Dt = now_s() - T0,
    io:format("pingpong: ~p messages in ~.3f s, ~.1f messages/s~n", [N, Dt, N / Dt]).

ponger(Peer, N) ->
    receive
        K ->
            Peer ! K + 1,
            if K + 1 >= N -> ok; true -> ponger(Peer, N) end
    end.

pinger(P, N) ->
    receive
        K when K + 1 >= N -> ok;
        K -> P ! K + 1, pinger(P, N)
    end.

%% ring: 1000 processes pass a token N hops.
ring_bench(N) ->
    Main = self(),
    Ring = [spawn(fun() -> member_init(Main, N) end) || _ <- lists:seq(1, 1000)],
    Next = tl(Ring) ++ [hd(Ring)],
    [P ! {next, Q} || {P, Q} <- lists:zip(Ring, Next)],
    T0 = now_s(),
    hd(Ring) ! 0,
    receive {done, Hops} -> ok end,
    Dt = now_s() - T0,
    io:format("ring: 1000 processes, ~p hops in ~.3f s, ~.1f messages/s~n", [Hops, Dt, Hops / Dt]).

member_init(Main, N) ->
    receive {next, Next} -> member(Main, N, Next) end.

member(Main, N, Next) ->
    receive
        K when K < 0 -> Next ! K;
        K when K >= N -> Main ! {done, K}, Next ! -1;
        K -> Next ! K + 1, member(Main, N, Next)
    end.
