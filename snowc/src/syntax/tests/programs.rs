//! Whole programs in the style of the spec's examples must parse.

use super::p;

const PROGRAM: &str = r#"##! Helpers for temperature readings.

## Celsius to Fahrenheit.
fn to_f(c :: Float) -> Float = c * 1.8 + 32.0   # trailing note
#= disabled:
   fn to_k(c) = c + 273.15   #= nested =#
=#
import Net.HttpClient
from Billing import total, Invoice

pub struct Reading<T> do
  sensor :: String
  value :: T
end deriving(Eq, Display)

type Event do
  Tick
  Key(String)
  Resize(width :: Int, height :: Int)
end deriving(Debug, Eq)

fn sign(n) = case n do
  0 -> 0
  _ -> if n > 0 do 1 else -1 end
end

fn first_even(items) do
  for n in items do
    if n % 2 == 0 do
      return Some(n)
    end
  end
  None
end

fn describe(ev) do
  let text = case ev do
    Tick | Key("") -> "idle"
    Key(k) when k == "q" -> "quit"
    Key(k) -> "key ${k}"
    Resize(w, h) -> "${w}x${h}"
  end
  let line = "${user.name} owes ${cents(total(items))} for ${List.length(items)} items"
  let squares = for i in 0..5 do i * i end
  for {name, score} in scores when score >= 50 do
    println("${name}: ${score}")
  end
  xs
    |> List.map(fn x -> x * 2 end)
    |> List.filter(fn x -> x > 2 end)
  retry(3) do |attempt|
    println("try ${attempt}")
  end
  let p = Vec2 {
    x: 3
    y: 4
  }
  text
end

actor tally(count :: Int) do
  receive do
    n -> tally(count + n)
  after 2000 -> 0 end
  terminate do
    println("tally stopped at ${count}")
  end
end

service Inventory do
  fn init(start :: Int) -> Int do
    start
  end
  call Take(n :: Int) :: Int do |qty|
    (qty - n, qty - n)
  end
  cast Refill(n :: Int) do |qty|
    qty + n
  end
end

supervisor Backend do
  strategy: one_for_all
  max_restarts: 5
  max_seconds: 30
  child cache do
    start: fn -> spawn(cache_loop, 0) end
    restart: transient
    shutdown: brutal_kill
  end
end

interface Describe do
  fn label(self) -> String
  fn tag(self) -> String do
    "item"
  end
end

impl Describe for Invoice do
  fn label(self) -> String do
    "invoice ${self.id}"
  end
end

fn main() do
  let pid = spawn(tally, 0)
  send(pid, 5)
  let reply = receive do
    Ping(sender) -> answer(sender)
    n when n > 100 -> n
  after 2000 -> 0 end
  println(to_f(21.5).to_string())
end
"#;

#[test]
fn spec_style_program() {
    let out = p(PROGRAM);
    assert!(out
        .starts_with("(fn to_f (c::Float) -> Float = (+ (* c 1.8) 32.0)) (import Net.HttpClient)"));
    assert!(out.contains("(call (. List filter) (call (. List map) xs (fn (clause (x) (do (* x 2))))) (fn (clause (x) (do (> x 2)))))"));
    assert!(out.contains("(let p (struct Vec2 (x 3) (y 4)))"));
    assert!(out.contains(
        "(actor tally (count::Int) (do (receive (arm n (call tally (+ count n))) (after 2000 0)))"
    ));
}
